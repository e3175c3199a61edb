/** `corsight` arguments: what is accepted, and one actionable line for what is not. */
import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../../../src/cli/args.ts';

const usageError = (argv: string[]): string => {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  return 'no error';
};

describe('parseArgs', () => {
  it('reads corsight har with its options', () => {
    expect(parseArgs(['har', 'a.har', '--stack', 'express', '--only-blocked', '--origin', 'https://app.example.com/x'])).toEqual({
      command: 'har', file: 'a.har', stack: 'express', format: 'text', onlyBlocked: true, origin: 'https://app.example.com',
    });
    expect(parseArgs(['har', '--json', 'a.har'])).toMatchObject({ format: 'json' });
    expect(parseArgs(['har', 'a.har', '--format', 'github'])).toMatchObject({ format: 'github' });
  });

  it('help and version', () => {
    expect(parseArgs([])).toEqual({ command: 'help' });
    expect(parseArgs(['har', '--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
  });

  it('says what is wrong, with the value, and what to do', () => {
    expect(usageError(['probe'])).toBe('unknown command "probe": expected "har" or "check" (corsight --help)');
    expect(usageError(['har'])).toBe('corsight har needs a file: corsight har FILE.har');
    expect(usageError(['har', 'a.har', 'b.har'])).toBe('one file at a time: "a.har" and "b.har" given');
    expect(usageError(['har', 'a.har', '--stack'])).toBe('--stack needs a value');
    expect(usageError(['har', 'a.har', '--format', 'xml'])).toBe('--format "xml": expected text, json or github');
    expect(usageError(['har', 'a.har', '--origin', 'app'])).toBe('--origin "app" is not a URL: give the page\'s origin, e.g. https://app.example.com');
    expect(usageError(['har', 'a.har', '--colour'])).toBe('unknown option --colour (corsight --help)');
  });

  it('reads corsight check like curl', () => {
    expect(parseArgs(['check', 'https://api.example.com/v1/items', '--origin', 'https://app.example.com', '-X', 'PUT', '-H', 'X-Api-Key: k', '-H', 'Content-Type: application/json', '-d', '{}', '--credentials'])).toEqual({
      command: 'check', url: 'https://api.example.com/v1/items', origin: 'https://app.example.com', method: 'PUT',
      headers: [{ name: 'X-Api-Key', value: 'k' }, { name: 'Content-Type', value: 'application/json' }], body: '{}', credentials: true, format: 'text', probe: false,
    });
    expect(usageError(['check', 'https://api.example.com/x'])).toBe('corsight check needs --origin: the origin of the page that makes the request, e.g. --origin https://app.example.com');
    expect(usageError(['check', '--origin', 'https://app.example.com'])).toBe('corsight check needs a URL: corsight check https://api.example.com/x --origin https://app.example.com');
    expect(usageError(['check', 'https://api.example.com/x', '--origin', 'https://app.example.com', '-H', 'no colon'])).toBe('-H "no colon": expected "Name: value"');
    expect(usageError(['check', 'https://api.example.com/x', '--origin', 'https://app.example.com', '-X', 'GE T'])).toMatch(/^-X "GE T" is not a method name/);
  });
});

describe('probe origins', () => {
  it('derive from the page origin, and skip what makes no sense for it', async () => {
    const { probesFor } = await import('../../../src/cli/probe.ts');
    expect(probesFor('https://app.example.com').map((p) => [p.kind, p.origin])).toEqual([
      ['unrelated', 'https://corsight-probe.example'],
      ['null', 'null'],
      ['prefix', 'https://app.example.com.corsight-probe.example'],
      ['suffix', 'https://corsightprobeapp.example.com'],
      ['subdomain', 'https://corsight-probe.app.example.com'],
      ['unescaped-dot', 'https://appxexample.com'],
      ['http', 'http://app.example.com'],
    ]);
    // An http page has no http downgrade to probe; an IP address has no dot to misuse.
    expect(probesFor('http://127.0.0.1:8080').map((p) => p.kind)).toEqual(['unrelated', 'null', 'prefix', 'suffix', 'subdomain']);
  });
});
