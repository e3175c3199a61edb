/**
 * The command line of `corsight`, parsed. Pure: errors are UsageError with one line a user can act
 * on (exit code 2).
 */
export type OutputFormat = 'text' | 'json' | 'github';

export interface HarCommand {
  command: 'har';
  file: string;
  stack?: string;
  format: OutputFormat;
  onlyBlocked: boolean;
  /** The page's origin for entries that carry no Origin header. */
  origin?: string;
}

export type CliCommand = HarCommand | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {}

export const USAGE = `Usage:
  corsight har FILE.har [--stack S] [--json | --format github] [--only-blocked] [--origin O]
  corsight --help | --version

Reads a HAR file (Chrome DevTools "Save all as HAR", Corsight's HAR export or its JSON report)
and judges every cross-origin request as Chromium does: each blocked or warned request with
Chromium's CORS code, why, the headers asked and answered, and the server change that fixes it.

  --stack S        also print the fix as configuration for stack S (e.g. express, nginx, django)
  --json           the Corsight report (JSON) on stdout, as the extension's panel exports it
  --format github  GitHub Actions workflow annotations (::error / ::warning)
  --only-blocked   list blocked requests only (warnings are counted, not listed)
  --origin O       the page's origin, for entries that carry no Origin header

Exit codes: 0 nothing blocked, 1 something blocked, 2 usage or input error.`;

export function parseArgs(argv: readonly string[]): CliCommand {
  const args = [...argv];
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return { command: 'help' };
  if (args.includes('--version')) return { command: 'version' };
  const command = args.shift();
  if (command !== 'har') throw new UsageError(`unknown command ${JSON.stringify(command)}: expected "har" (corsight --help)`);
  const out: HarCommand = { command: 'har', file: '', format: 'text', onlyBlocked: false };
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (arg === '--stack') out.stack = value(arg);
    else if (arg === '--json') out.format = 'json';
    else if (arg === '--format') {
      const f = value(arg);
      if (f !== 'text' && f !== 'json' && f !== 'github') throw new UsageError(`--format ${JSON.stringify(f)}: expected text, json or github`);
      out.format = f;
    } else if (arg === '--only-blocked') out.onlyBlocked = true;
    else if (arg === '--origin') {
      const o = value(arg);
      let origin: string;
      try {
        origin = new URL(o).origin;
      } catch {
        throw new UsageError(`--origin ${JSON.stringify(o)} is not a URL: give the page's origin, e.g. https://app.example.com`);
      }
      if (origin === 'null') throw new UsageError(`--origin ${JSON.stringify(o)} has no origin: give an http(s) URL`);
      out.origin = origin;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (corsight --help)`);
    else if (out.file === '') out.file = arg;
    else throw new UsageError(`one file at a time: ${JSON.stringify(out.file)} and ${JSON.stringify(arg)} given`);
  }
  if (out.file === '') throw new UsageError('corsight har needs a file: corsight har FILE.har');
  return out;
}
