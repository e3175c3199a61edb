/**
 * The `corsight` command (Node): arguments, files and the terminal. Everything else is in the
 * pure modules next to it. `npm run cli -- har FILE.har` in this repository.
 */
import fs from 'node:fs';
import { USAGE, UsageError, parseArgs } from './args.ts';
import { CheckNetworkError } from './check-command.ts';
import { runCheckCommand } from './check-run.ts';
import { runHar } from './har-command.ts';
import { nodeSend } from './http.ts';
import { ANSI, PLAIN } from './render.ts';

const VERSION = '0.1.0';

async function main(argv: string[]): Promise<number> {
  const cmd = parseArgs(argv);
  if (cmd.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (cmd.command === 'version') {
    process.stdout.write(`corsight ${VERSION}\n`);
    return 0;
  }
  const tty = process.stdout.isTTY === true;
  const style = tty && !process.env.NO_COLOR ? ANSI : PLAIN;
  if (cmd.command === 'check') {
    try {
      return await runCheckCommand(cmd, nodeSend, { out: (line) => process.stdout.write(`${line}\n`), style });
    } catch (e) {
      if (e instanceof CheckNetworkError) throw new UsageError(e.message);
      throw e;
    }
  }
  let size: number;
  try {
    const stat = fs.statSync(cmd.file);
    if (!stat.isFile()) throw new UsageError(`${cmd.file} is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${cmd.file}: no such file` : code === 'EACCES' ? `${cmd.file}: permission denied` : `${cmd.file}: cannot read it (${code ?? String(e)})`);
  }
  const progressTty = process.stderr.isTTY === true;
  let progressShown = false;
  const exit = await runHar(cmd, {
    chunks: fs.createReadStream(cmd.file, { encoding: 'utf8', highWaterMark: 1024 * 1024 }),
    totalBytes: size,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    ...(progressTty
      ? {
          progress: (text: string) => {
            progressShown = true;
            process.stderr.write(`\r${text.slice(0, 79).padEnd(79)}`);
          },
        }
      : {}),
    style,
  });
  if (progressShown) process.stderr.write(`\r${' '.repeat(79)}\r`);
  return exit;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`corsight: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    // A bug of ours: say so in one line, with the stack only when asked.
    process.stderr.write(`corsight: internal error: ${(e as Error).message ?? String(e)} (CORSIGHT_DEBUG=1 for details)\n`);
    if (process.env.CORSIGHT_DEBUG) process.stderr.write(`${(e as Error).stack ?? ''}\n`);
    process.exitCode = 2;
  },
);
