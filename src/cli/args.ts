/**
 * The command line of `corsight`, parsed. Pure: errors are UsageError with one line a user can act
 * on (exit code 2).
 */
import { STACKS, findStack } from '../snippets/index.ts';

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

export interface CheckCommand {
  command: 'check';
  url: string;
  origin: string;
  method: string;
  headers: Array<{ name: string; value: string }>;
  credentials: boolean;
  body?: string;
  stack?: string;
  format: OutputFormat;
  /** Probe the endpoint for origins it should not trust (src/cli/probe.ts). */
  probe: boolean;
}

export type CliCommand = HarCommand | CheckCommand | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {}

export const USAGE = `Usage:
  corsight har FILE.har [--stack S] [--json | --format github] [--only-blocked] [--origin O]
  corsight check URL --origin O [-X METHOD] [-H "Name: value"]... [-d DATA] [--credentials]
                 [--stack S] [--json | --format github] [--probe]
  corsight --help | --version

Reads a HAR file (Chrome DevTools "Save all as HAR", Corsight's HAR export or its JSON report)
and judges every cross-origin request as Chromium does: each blocked or warned request with
Chromium's CORS code, why, the headers asked and answered, and the server change that fixes it.

  --stack S        also print the fix as configuration for stack S (e.g. express, nginx, django)
  --json           the Corsight report (JSON) on stdout, as the extension's panel exports it
  --format github  GitHub Actions workflow annotations (::error / ::warning)
  --only-blocked   list blocked requests only (warnings are counted, not listed)
  --origin O       the page's origin, for entries that carry no Origin header

check sends what a browser at origin O would send for fetch(URL, ...): the preflight when one
is needed, then the request, following redirects as the browser does, and judges each answer.
Send it only to servers you may test.

  -X METHOD        the request method (default GET)
  -H "Name: value" a header the page sets (repeat for more)
  -d DATA          a text body (fetch adds Content-Type: text/plain;charset=UTF-8)
  --credentials    credentials: "include" (cookies are not sent; the rules for them apply)
  --probe          also send the request from origins the server should not trust (an unrelated
                   site, null, O's host as prefix or suffix of another, an unescaped dot, http://
                   for an https O, a subdomain), without and with credentials; exit 1 if any is
                   trusted. Only for servers you own.

Exit codes: 0 nothing blocked, 1 something blocked, 2 usage or input error.`;

export function parseArgs(argv: readonly string[]): CliCommand {
  const args = [...argv];
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return { command: 'help' };
  if (args.includes('--version')) return { command: 'version' };
  const command = args.shift();
  if (command === 'check') return parseCheck(args);
  if (command !== 'har') throw new UsageError(`unknown command ${JSON.stringify(command)}: expected "har" or "check" (corsight --help)`);
  const out: HarCommand = { command: 'har', file: '', format: 'text', onlyBlocked: false };
  const value = valueReader(args);
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (outputOption(arg, value, out)) continue;
    if (arg === '--only-blocked') out.onlyBlocked = true;
    else if (arg === '--origin') out.origin = originArg(value(arg));
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (corsight --help)`);
    else if (out.file === '') out.file = arg;
    else throw new UsageError(`one file at a time: ${JSON.stringify(out.file)} and ${JSON.stringify(arg)} given`);
  }
  if (out.file === '') throw new UsageError('corsight har needs a file: corsight har FILE.har');
  return out;
}

/** The value after a flag. */
function valueReader(args: string[]): (flag: string) => string {
  return (flag) => {
    const v = args.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
}

/** The output options both commands take (--stack, --json, --format); false when `arg` is none of them. */
function outputOption(arg: string, value: (flag: string) => string, out: { stack?: string; format: OutputFormat }): boolean {
  if (arg === '--stack') {
    const stack = value(arg);
    if (!findStack(stack)) throw new UsageError(`unknown stack ${JSON.stringify(stack)}; one of: ${STACKS.map((s) => s.id).join(', ')}`);
    out.stack = stack;
  } else if (arg === '--json') out.format = 'json';
  else if (arg === '--format') {
    const f = value(arg);
    if (f !== 'text' && f !== 'json' && f !== 'github') throw new UsageError(`--format ${JSON.stringify(f)}: expected text, json or github`);
    out.format = f;
  } else return false;
  return true;
}

function originArg(o: string): string {
  let origin: string;
  try {
    origin = new URL(o).origin;
  } catch {
    throw new UsageError(`--origin ${JSON.stringify(o)} is not a URL: give the page's origin, e.g. https://app.example.com`);
  }
  if (origin === 'null') throw new UsageError(`--origin ${JSON.stringify(o)} has no origin: give an http(s) URL`);
  return origin;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseCheck(args: string[]): CheckCommand {
  const out: CheckCommand = { command: 'check', url: '', origin: '', method: 'GET', headers: [], credentials: false, format: 'text', probe: false };
  const value = valueReader(args);
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (outputOption(arg, value, out)) continue;
    if (arg === '--origin') out.origin = originArg(value(arg));
    else if (arg === '-X' || arg === '--request') {
      const m = value(arg);
      if (!TOKEN.test(m)) throw new UsageError(`-X ${JSON.stringify(m)} is not a method name (letters, digits and !#$%&'*+-.^_\`|~ only)`);
      out.method = m;
    } else if (arg === '-H' || arg === '--header') {
      const h = value(arg);
      const colon = h.indexOf(':');
      const name = colon > 0 ? h.slice(0, colon).trim() : '';
      if (!TOKEN.test(name)) throw new UsageError(`-H ${JSON.stringify(h)}: expected "Name: value"`);
      out.headers.push({ name, value: h.slice(colon + 1).trim() });
    } else if (arg === '-d' || arg === '--data') out.body = value(arg);
    else if (arg === '--credentials') out.credentials = true;
    else if (arg === '--probe') out.probe = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (corsight --help)`);
    else if (out.url === '') out.url = arg;
    else throw new UsageError(`one URL at a time: ${JSON.stringify(out.url)} and ${JSON.stringify(arg)} given`);
  }
  if (out.url === '') throw new UsageError('corsight check needs a URL: corsight check https://api.example.com/x --origin https://app.example.com');
  let parsed: URL;
  try {
    parsed = new URL(out.url);
  } catch {
    throw new UsageError(`${JSON.stringify(out.url)} is not a URL: give an absolute http(s) URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`${JSON.stringify(out.url)}: only http and https URLs can be checked`);
  if (out.origin === '') throw new UsageError('corsight check needs --origin: the origin of the page that makes the request, e.g. --origin https://app.example.com');
  return out;
}
