/**
 * String literal escaping for every language a snippet is written in.
 *
 * Every value that reaches a snippet comes from a server we do not trust (origins, header
 * names, methods). Each function here returns a complete literal (quotes included) whose
 * parsed value is exactly the input, or throws `UnrepresentableError` when the format has no
 * way to spell the input safely (e.g. `$` in an nginx value, a newline in an Apache line).
 * Generators only pass values that `prepare()` validated, so they never hit the throw; the
 * throw is the last line of defence, not a code path.
 *
 * Output is printable ASCII only: anything else is written with the language's escape, so
 * a snippet survives copy/paste, editors and terminals unchanged. Lone UTF-16 surrogates
 * (not representable in UTF-8 source) are replaced by U+FFFD first; HTTP values are bytes
 * and never contain them.
 */

export class UnrepresentableError extends Error {
  constructor(format: string, value: string, why: string) {
    super(`cannot write ${JSON.stringify(value)} as a ${format} string: ${why}`);
    this.name = 'UnrepresentableError';
  }
}

/** Replaces lone surrogates with U+FFFD so every code point is a scalar value. */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, '0');

/** True for printable ASCII (0x20..0x7E). */
const printable = (cp: number): boolean => cp >= 0x20 && cp <= 0x7e;

/** Walks code points, letting `special` spell a code point or returning null to keep it. */
function mapCodePoints(s: string, spell: (cp: number, ch: string) => string): string {
  let out = '';
  for (const ch of wellFormed(s)) out += spell(ch.codePointAt(0) as number, ch);
  return out;
}

/** How one backslash-escaping language spells a string: its quote, its extra escapes, its code-point escape. */
interface BackslashLiteral {
  quote: '"' | "'";
  /** Characters besides the backslash and the quote that must be escaped, with their spelling. */
  escapes: Readonly<Record<string, string>>;
  /** The escape of a code point that is not printable ASCII. */
  codePoint: (cp: number) => string;
}

/** `\n`, `\r`, `\t`: every language below spells them so. */
const CONTROL_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function backslashLiteral(s: string, language: BackslashLiteral): string {
  const body = mapCodePoints(s, (cp, ch) => {
    if (ch === '\\' || ch === language.quote) return `\\${ch}`;
    const escape = language.escapes[ch];
    if (escape !== undefined) return escape;
    return printable(cp) ? ch : language.codePoint(cp);
  });
  return `${language.quote}${body}${language.quote}`;
}

const braceEscape = (cp: number): string => `\\u{${hex(cp, 1)}}`;
/** `\xHH` up to `byteMax`, then `\uHHHH`, then `\UHHHHHHHH` (Python, YAML, Go). */
const sizedEscape =
  (byteMax: number) =>
  (cp: number): string =>
    cp <= byteMax ? `\\x${hex(cp, 2)}` : cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;

/** JavaScript / TypeScript single-quoted string. */
export function jsString(s: string): string {
  return backslashLiteral(s, { quote: "'", escapes: CONTROL_ESCAPES, codePoint: braceEscape });
}

/** Python double-quoted str literal. */
export function pyString(s: string): string {
  return backslashLiteral(s, { quote: '"', escapes: CONTROL_ESCAPES, codePoint: sizedEscape(0xff) });
}

/** Ruby double-quoted string; `#` is escaped so `#{...}` / `#@x` never interpolate. */
export function rubyString(s: string): string {
  return backslashLiteral(s, { quote: '"', escapes: { ...CONTROL_ESCAPES, '#': '\\#' }, codePoint: braceEscape });
}

/** PHP single-quoted string: no interpolation at all; only `\\` and `\'` are escapes. */
export function phpString(s: string): string {
  // Single quotes never interpolate `$` and treat every byte literally, but non-printable
  // bytes would then be pasted raw; use a double-quoted string with `\u{..}` only when needed.
  const w = wellFormed(s);
  if ([...w].every((ch) => printable(ch.codePointAt(0) as number))) {
    return `'${w.replace(/[\\']/g, (m) => `\\${m}`)}'`;
  }
  return backslashLiteral(w, { quote: '"', escapes: { ...CONTROL_ESCAPES, $: '\\$' }, codePoint: braceEscape });
}

/** Go interpreted string literal. */
export function goString(s: string): string {
  return backslashLiteral(s, { quote: '"', escapes: CONTROL_ESCAPES, codePoint: sizedEscape(0x7f) });
}

/**
 * Java string literal. Java turns `\uXXXX` into characters BEFORE lexing (so `\u0022` would
 * close the string), hence octal escapes below 0x100 and `\u` only for code units that are
 * neither quotes, backslashes nor line terminators.
 */
export function javaString(s: string): string {
  let body = '';
  for (const ch of wellFormed(s)) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\\') body += '\\\\';
    else if (ch === '"') body += '\\"';
    else if (printable(cp)) body += ch;
    else if (cp <= 0xff) body += `\\${cp.toString(8).padStart(3, '0')}`;
    else for (let i = 0; i < ch.length; i++) body += `\\u${hex(ch.charCodeAt(i), 4)}`;
  }
  return `"${body}"`;
}

/** C# regular string literal. */
export function csharpString(s: string): string {
  let body = '';
  for (const ch of wellFormed(s)) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\\') body += '\\\\';
    else if (ch === '"') body += '\\"';
    else if (printable(cp)) body += ch;
    else for (let i = 0; i < ch.length; i++) body += `\\u${hex(ch.charCodeAt(i), 4)}`;
  }
  return `"${body}"`;
}

/** JSON string (ASCII-only output). */
export function jsonString(s: string): string {
  return JSON.stringify(wellFormed(s)).replace(/[^\x20-\x7e]/g, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

/** YAML double-quoted scalar: the escapes it needs (\\ \" \n \r \t \x \u \U) are Python's. */
export function yamlString(s: string): string {
  return pyString(s);
}

/** TOML basic string. */
export function tomlString(s: string): string {
  return backslashLiteral(s, { quote: '"', escapes: CONTROL_ESCAPES, codePoint: (cp) => (cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`) });
}

/** Only printable ASCII may go into a config-file token (no raw bytes, no line breaks). */
function requirePrintable(format: string, s: string): void {
  for (const ch of s) {
    if (!printable(ch.codePointAt(0) as number)) {
      throw new UnrepresentableError(format, s, 'only printable ASCII can be written safely');
    }
  }
}

/**
 * nginx quoted parameter. Inside quotes nginx's lexer takes `;`, `{`, `}` and `#` literally
 * and unescapes `\"` and `\\`. Many directive values are "complex values" in which `$name`
 * interpolates a variable and there is no escape for `$`: it is refused.
 */
export function nginxString(s: string): string {
  requirePrintable('nginx', s);
  if (s.includes('$')) throw new UnrepresentableError('nginx', s, '`$` would interpolate a variable');
  return `"${s.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}

/**
 * Apache httpd quoted argument (ap_getword_conf unescapes `\"` and `\\`). A line break would
 * end the directive and `${NAME}` is expanded when the config is read: both refused (a lone
 * `$` is literal).
 * `headerValue` also escapes for mod_headers, which reads `%` as a format specifier and
 * backslash escapes of its own (so a backslash is doubled twice).
 */
export function apacheString(s: string, opts: { headerValue?: boolean } = {}): string {
  requirePrintable('Apache', s);
  if (s.includes('${')) throw new UnrepresentableError('Apache', s, '`${...}` is expanded by httpd');
  // mod_headers reads its own escapes first (backslash-x -> x, backslash-n -> newline, %% -> %).
  const v = opts.headerValue ? s.replace(/\\/g, '\\\\').replace(/%/g, '%%') : s;
  return `"${v.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}

/**
 * Caddyfile quoted token. `{...}` is a placeholder (and `{$ENV}` is expanded when the file is
 * read); the Caddyfile lexer's only escape inside quotes is `\"`, so `\`, braces and
 * backticks are refused rather than trusted to version-dependent escaping.
 */
export function caddyString(s: string): string {
  requirePrintable('Caddyfile', s);
  if (/[{}\\`]/.test(s)) {
    throw new UnrepresentableError('Caddyfile', s, 'braces, backslashes and backticks are not safe');
  }
  return `"${s.replace(/"/g, '\\"')}"`;
}

/**
 * HAProxy double-quoted word: `\"`, `\\`, `\$` escapes; `$VAR` expands environment variables.
 * `logFormat` (set-header values, `hdr` of return) also doubles `%`, which starts `%[...]`.
 * `#` inside quotes is literal.
 */
export function haproxyString(s: string, opts: { logFormat?: boolean } = {}): string {
  requirePrintable('HAProxy', s);
  let v = s.replace(/[\\"$]/g, (m) => `\\${m}`);
  if (opts.logFormat) v = v.replace(/%/g, '%%');
  return `"${v}"`;
}

/** A value quoted for a line comment of any language: JSON-escaped, `?>` and `*\/` defused. */
export function commentValue(s: string, max = 120): string {
  const clipped = s.length > max ? `${s.slice(0, max)}...` : s;
  return jsonString(clipped).replace(/\?>/g, '?\\u003e').replace(/\*\//g, '*\\u002f');
}
