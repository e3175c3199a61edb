/** The part of web-ext's Node API scripts/package.ts uses (web-ext ships no types). */
declare module 'web-ext' {
  interface LintMessage {
    code: string;
    message: string;
    file?: string;
  }
  const webExt: {
    cmd: {
      build(
        options: { sourceDir: string; artifactsDir: string; filename: string; overwriteDest: boolean },
        runOptions?: { showReadyMessage?: boolean },
      ): Promise<{ extensionPath: string }>;
      lint(
        options: { sourceDir: string; output: 'json' | 'text' | 'none'; selfHosted: boolean },
        runOptions?: { shouldExitProgram?: boolean },
      ): Promise<{ errors: LintMessage[]; warnings: LintMessage[]; notices: LintMessage[] }>;
    };
  };
  export default webExt;
}
