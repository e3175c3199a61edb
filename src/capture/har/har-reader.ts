/**
 * A streaming reader of HAR 1.2 files (and of Corsight's own "corsight-report" JSON export):
 * feed the file's text in chunks, get back each entry of `log.entries` (or of the report's
 * top-level `entries`) as soon as it is complete, JSON.parse'd on its own.
 *
 * Memory stays proportional to the largest single entry plus one chunk: a small state machine
 * follows JSON strings (with their escapes) and the nesting of {} and [] to find where each
 * entry starts and ends, and text already scanned is sliced off. Nothing outside the entries
 * is kept except the small fields of `log` (creator, browser, version, comment) or of the
 * report's top-level object, at most FIELD_LIMIT characters each.
 *
 * Pure TypeScript, no Node or browser API: usable from a CLI and from a Web Worker alike.
 *
 * What is checked: the top two levels (the top-level object and `log`) are parsed strictly
 * (keys, colons, commas, braces); each entry and each kept field goes through JSON.parse;
 * inside other skipped values (`pages`, oversized fields) only strings, bracket matching and
 * control characters are checked, not every number or literal.
 */

export type HarReadErrorKind = 'not-json' | 'not-har' | 'truncated' | 'entry';
export type HarFileKind = 'har' | 'corsight-report';

/** What went wrong, in one line a user can act on. */
export class HarReadError extends Error {
  override readonly name = 'HarReadError';
  readonly kind: HarReadErrorKind;
  /** UTF-8 byte offset in the file where the problem was found. */
  readonly byteOffset: number | undefined;
  /** 0-based index in the entries array of the entry concerned (the message counts from 1). */
  readonly entryIndex: number | undefined;

  constructor(kind: HarReadErrorKind, message: string, byteOffset?: number, entryIndex?: number) {
    super(message);
    this.kind = kind;
    this.byteOffset = byteOffset;
    this.entryIndex = entryIndex;
  }
}

export interface HarEntryReaderOptions {
  /**
   * An entry longer than this many characters is refused (an 'entry' error), so that a damaged
   * file (e.g. an unclosed string) cannot make the reader keep the rest of the file in memory.
   */
  maxEntryChars?: number;
}

/** A field of log (or of a report's top-level object) longer than this is not kept. */
const FIELD_LIMIT = 64 * 1024;
/** A key longer than this is none of the keys the reader looks for: its text is not kept. */
const KEY_LIMIT = 1024;
const DEFAULT_MAX_ENTRY_CHARS = 256 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BOM = 0xfeff;

// What the reader is in the middle of.
const M_DOC_START = 0; // before the top-level value
const M_OBJECT = 1; // between tokens of the top-level object or of log (see objState)
const M_KEY = 2; // inside a key of one of those objects
const M_VALUE = 3; // inside a value that is skipped or kept as a field
const M_ARRAY = 4; // between elements of the entries array (see arrState)
const M_ELEMENT = 5; // inside an entry
const M_DOC_END = 6; // after the top-level object

// Where in an object (top-level or log).
const O_KEY_OR_END = 0; // after '{'
const O_KEY = 1; // after ','
const O_COLON = 2;
const O_VALUE = 3;
const O_COMMA_OR_END = 4;

// Where in the entries array.
const A_FIRST = 0; // after '['
const A_NEXT = 1; // after ','
const A_COMMA_OR_END = 2;

const F_ROOT = 1;
const F_LOG = 2;

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

const NON_ASCII = /[\u0080-\uffff]/g;

/** UTF-8 length of s[from, to). A surrogate counts 2 so that a pair split across chunks still sums to 4. */
function utf8Length(s: string, from = 0, to = s.length): number {
  // The ASCII prefix natively: most of a HAR is ASCII, and this runs over every chunk.
  NON_ASCII.lastIndex = from;
  const firstNonAscii = NON_ASCII.exec(s)?.index ?? to;
  if (firstNonAscii >= to) return to - from;
  let n = firstNonAscii - from;
  for (let i = firstNonAscii; i < to; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return n;
}

/** 1234567 -> "1,234,567". */
function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function describeChar(c: number): string {
  if (c >= 0x21 && c <= 0x7e) return `'${String.fromCharCode(c)}'`;
  if (c >= 0xa0 && (c < 0xd800 || c > 0xdfff) && c !== BOM) return `'${String.fromCharCode(c)}'`;
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return typeof value;
  }
}

/** JSON.parse's message without its "in JSON at position N" (the caller turns that into a byte offset). */
function parseFailure(error: unknown, text: string): { message: string; position: number | undefined } {
  const message = error instanceof Error ? error.message : String(error);
  const match = / (?:in JSON )?at position (\d+)/.exec(message);
  if (!match) return { message, position: undefined };
  const position = Math.min(Number(match[1]), text.length);
  return { message: message.slice(0, match.index) + message.slice(match.index + match[0].length), position };
}

export class HarEntryReader {
  private buf = '';
  private pos = 0;
  /** Start (in buf) of the key, field or entry being read; kept when `keeping`. */
  private start = 0;
  private keeping = false;

  private mode = M_DOC_START;
  private objState = O_KEY_OR_END;
  private arrState = A_FIRST;
  private frame = 0;
  /** The last key read at the current frame (null when too long to be one the reader wants). */
  private key: string | null = null;
  private keyTooLong = false;

  // The value being scanned (M_VALUE / M_ELEMENT).
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;
  private scalar = false;
  /** M_VALUE: the value's text is kept and parsed into a field. */
  private capture = false;

  private fileKind: HarFileKind | undefined;
  private logHasEntries = false;
  private rootEntriesSeen = false;
  private entriesClosed = false;
  private index = 0;
  private readonly logFields: Record<string, unknown> = {};
  private readonly rootFields: Record<string, unknown> = {};

  private chars = 0;
  private bytes = 0;
  private out: unknown[] = [];
  private failure: HarReadError | undefined;
  private readonly maxEntryChars: number;

  constructor(options: HarEntryReaderOptions = {}) {
    this.maxEntryChars = options.maxEntryChars ?? DEFAULT_MAX_ENTRY_CHARS;
  }

  /** 'har' once the top-level "log" object is seen; 'corsight-report' once `"format": "corsight-report"` is. */
  get kind(): HarFileKind | undefined {
    return this.fileKind;
  }

  /** Characters (UTF-16 code units) fed so far. */
  get consumed(): number {
    return this.chars;
  }

  /** UTF-8 bytes fed so far (for progress against a file's size). */
  get consumedBytes(): number {
    return this.bytes;
  }

  /** Characters held between calls: at most the part of an entry (or small field) not yet complete. */
  get bufferedLength(): number {
    return this.buf.length;
  }

  /**
   * The small fields seen so far of the object that holds the entries: log's for a HAR
   * (creator, browser, version, comment...; never pages), the top-level object's for a Corsight
   * report (format, version, generatedAt, tab...). Each is JSON.parse'd; one longer than
   * 64 KiB of text is left out.
   */
  get fields(): Readonly<Record<string, unknown>> {
    return this.fileKind === 'har' ? this.logFields : this.rootFields;
  }

  /**
   * Feeds the next chunk of the file's text; returns the entries completed by it, in file order.
   * When a problem is found after some entries of this chunk, those entries are returned and
   * the HarReadError is thrown by the next call (push or end); once thrown, every call throws it.
   */
  push(chunk: string): unknown[] {
    if (this.failure) throw this.failure;
    this.out = [];
    this.chars += chunk.length;
    this.bytes += utf8Length(chunk);
    // After trim() the buffer holds only the incomplete key, field or entry (often nothing).
    this.buf += chunk;
    try {
      this.run();
      this.trim();
    } catch (error) {
      if (!(error instanceof HarReadError)) throw error;
      this.failure = error;
      this.buf = '';
      this.pos = 0;
      this.keeping = false;
      if (this.out.length === 0) throw error;
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  /** End of input: throws when the file stopped before its end or had no entries array. */
  end(): unknown[] {
    if (this.failure) throw this.failure;
    if (this.mode === M_DOC_END) return [];
    if (this.mode === M_DOC_START) {
      this.failure = new HarReadError('not-json', 'Not JSON: the file is empty', this.bytes);
      throw this.failure;
    }
    const at = formatCount(this.bytes);
    let where: string;
    let entryIndex: number | undefined;
    if (this.mode === M_ELEMENT) {
      where = `inside entry ${formatCount(this.index + 1)}`;
      entryIndex = this.index;
    } else if (this.mode === M_ARRAY) {
      where = this.index === 0 ? 'at the start of the entries array' : `after entry ${formatCount(this.index)}`;
    } else {
      where = this.entriesClosed ? 'after the entries array' : 'before the entries array';
    }
    this.failure = new HarReadError('truncated', `The file is truncated at byte ${at} (${where}): export it again`, this.bytes, entryIndex);
    throw this.failure;
  }

  // ---- scanning ----

  private run(): void {
    while (this.pos < this.buf.length) {
      switch (this.mode) {
        case M_DOC_START:
          this.docStart();
          break;
        case M_OBJECT:
          this.objectStep();
          break;
        case M_KEY:
          this.keyStep();
          break;
        case M_VALUE:
          if (this.scanValue()) this.valueDone();
          break;
        case M_ARRAY:
          this.arrayStep();
          break;
        case M_ELEMENT:
          if (this.scanValue()) this.elementDone();
          break;
        default:
          this.docEnd();
      }
    }
    if (this.mode === M_ELEMENT && this.pos - this.start > this.maxEntryChars) {
      throw this.entryError(
        `is longer than ${formatCount(this.maxEntryChars)} characters (byte ${formatCount(this.byteAt(this.start))}); the file is probably damaged: export it again`,
        this.byteAt(this.start),
      );
    }
    if (this.mode === M_VALUE && this.capture && this.pos - this.start > FIELD_LIMIT) {
      this.capture = false;
      this.keeping = false;
    }
    if (this.mode === M_KEY && !this.keyTooLong && this.pos - this.start > KEY_LIMIT) {
      this.keyTooLong = true;
      this.keeping = false;
    }
  }

  /** Drops the text no longer needed. */
  private trim(): void {
    const cut = this.keeping ? this.start : this.pos;
    if (cut === 0) return;
    this.buf = this.buf.slice(cut);
    this.pos -= cut;
    this.start -= cut;
  }

  /** Byte offset in the file of buf[i]. A pass over the buffer: only for errors, never per entry. */
  private byteAt(i: number): number {
    return this.bytes - utf8Length(this.buf, i);
  }

  /** The next non-whitespace character code (pos on it), or -1 at the end of the buffer. */
  private nextToken(): number {
    const buf = this.buf;
    let i = this.pos;
    while (i < buf.length && isWhitespace(buf.charCodeAt(i))) i++;
    this.pos = i;
    return i < buf.length ? buf.charCodeAt(i) : -1;
  }

  private notJson(what: string, at: number): HarReadError {
    return new HarReadError('not-json', `Not JSON at byte ${formatCount(this.byteAt(at))}: ${what}`, this.byteAt(at));
  }

  private notHar(message: string, at: number): HarReadError {
    return new HarReadError('not-har', message, this.byteAt(at));
  }

  private entryName(): string {
    const path = this.frame === F_LOG ? 'log.entries' : 'entries';
    return `Entry ${formatCount(this.index + 1)} (${path}[${this.index}])`;
  }

  private entryError(what: string, byteOffset: number): HarReadError {
    return new HarReadError('entry', `${this.entryName()} ${what}`, byteOffset, this.index);
  }

  private docStart(): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const c = buf.charCodeAt(this.pos);
      if (isWhitespace(c) || (c === BOM && this.chars - buf.length + this.pos === 0)) {
        this.pos++;
        continue;
      }
      const at = formatCount(this.byteAt(this.pos));
      if (c === LBRACE) {
        this.pos++;
        this.mode = M_OBJECT;
        this.frame = F_ROOT;
        this.objState = O_KEY_OR_END;
        return;
      }
      if (c === LBRACKET) throw this.notHar(`Not a HAR file: the file is a JSON array (byte ${at}); expected an object with log.entries`, this.pos);
      if (c === QUOTE) throw this.notHar(`Not a HAR file: the file is a JSON string (byte ${at}); expected an object with log.entries`, this.pos);
      if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        throw this.notHar(`Not a HAR file: the file is a JSON number (byte ${at}); expected an object with log.entries`, this.pos);
      }
      throw new HarReadError('not-json', `Not JSON: the file starts with ${describeChar(c)} (byte ${at}); expected '{'`, this.byteAt(this.pos));
    }
  }

  private docEnd(): void {
    const c = this.nextToken();
    if (c >= 0) throw this.notJson(`unexpected ${describeChar(c)} after the end of the top-level object`, this.pos);
  }

  private objectStep(): void {
    const c = this.nextToken();
    if (c < 0) return;
    switch (this.objState) {
      case O_KEY_OR_END:
      case O_KEY:
        if (c === QUOTE) {
          this.mode = M_KEY;
          this.start = this.pos;
          this.keeping = true;
          this.keyTooLong = false;
          this.inString = true;
          this.escaped = false;
          this.pos++;
        } else if (c === RBRACE && this.objState === O_KEY_OR_END) {
          this.pos++;
          this.closeObject();
        } else {
          throw this.notJson(`expected a key in double quotes, found ${describeChar(c)}`, this.pos);
        }
        return;
      case O_COLON:
        if (c !== COLON) throw this.notJson(`expected ':' after the key ${JSON.stringify(this.key ?? '…')}, found ${describeChar(c)}`, this.pos);
        this.pos++;
        this.objState = O_VALUE;
        return;
      case O_VALUE:
        this.startObjectValue(c);
        return;
      default:
        if (c === COMMA) {
          this.pos++;
          this.objState = O_KEY;
        } else if (c === RBRACE) {
          this.pos++;
          this.closeObject();
        } else {
          throw this.notJson(`expected ',' or '}', found ${describeChar(c)}`, this.pos);
        }
    }
  }

  private keyStep(): void {
    const buf = this.buf;
    let escaped = this.escaped;
    for (let i = this.pos; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (escaped) {
        escaped = false;
      } else if (c === BACKSLASH) {
        escaped = true;
      } else if (c === QUOTE) {
        this.pos = i + 1;
        this.key = this.keyTooLong || i + 1 - this.start > KEY_LIMIT ? null : this.parseKey(buf.slice(this.start, i + 1));
        this.keeping = false;
        this.inString = false;
        this.mode = M_OBJECT;
        this.objState = O_COLON;
        return;
      } else if (c < 0x20) {
        throw this.notJson(`control character ${describeChar(c)} inside a key (a missing '"'?)`, i);
      }
    }
    this.escaped = escaped;
    this.pos = buf.length;
  }

  private parseKey(text: string): string {
    try {
      return JSON.parse(text) as string;
    } catch (error) {
      throw this.notJson(`invalid key ${text.slice(0, 40)}: ${parseFailure(error, text).message}`, this.start);
    }
  }

  /** Value of `key` in the top-level object or in log, starting with character c (at pos). */
  private startObjectValue(c: number): void {
    const key = this.key;
    if (this.frame === F_ROOT) {
      if (key === 'log' && this.fileKind !== 'corsight-report') {
        if (this.rootEntriesSeen) {
          throw this.notHar('Not a HAR file: it has both a top-level entries array and a log object', this.pos);
        }
        if (c !== LBRACE) throw this.notHar(`Not a HAR file: log is not an object (byte ${formatCount(this.byteAt(this.pos))})`, this.pos);
        this.fileKind = 'har';
        this.pos++;
        this.frame = F_LOG;
        this.logHasEntries = false;
        this.objState = O_KEY_OR_END;
        return;
      }
      if (key === 'entries' && this.fileKind !== 'har' && c === LBRACKET) {
        this.rootEntriesSeen = true;
        this.openEntries();
        return;
      }
      this.startValue(c, key !== null && key !== 'log' && key !== 'entries');
      return;
    }
    if (key === 'entries') {
      if (c !== LBRACKET) throw this.notHar(`Not a HAR file: log.entries is not an array (byte ${formatCount(this.byteAt(this.pos))})`, this.pos);
      this.logHasEntries = true;
      this.openEntries();
      return;
    }
    this.startValue(c, key !== null && key !== 'pages');
  }

  private closeObject(): void {
    const at = this.pos - 1;
    if (this.frame === F_LOG) {
      if (!this.logHasEntries) throw this.notHar('Not a HAR file: log has no entries array', at);
      this.frame = F_ROOT;
      this.objState = O_COMMA_OR_END;
      return;
    }
    if (this.fileKind === 'corsight-report') {
      if (!this.rootEntriesSeen) throw this.notHar('Not a Corsight report: the top-level JSON object has no entries array', at);
    } else if (this.fileKind !== 'har') {
      throw this.notHar(
        this.rootEntriesSeen
          ? 'Not a HAR file: the top-level JSON object has an entries array but no log and no "format": "corsight-report"'
          : 'Not a HAR file: the top-level JSON object has no log.entries array',
        at,
      );
    }
    this.frame = 0;
    this.mode = M_DOC_END;
  }

  private openEntries(): void {
    this.pos++;
    this.mode = M_ARRAY;
    this.arrState = A_FIRST;
  }

  private arrayStep(): void {
    const c = this.nextToken();
    if (c < 0) return;
    if (this.arrState === A_COMMA_OR_END) {
      if (c === COMMA) {
        this.pos++;
        this.arrState = A_NEXT;
      } else if (c === RBRACKET) {
        this.closeEntries();
      } else {
        throw this.notJson(`expected ',' or ']' after entry ${formatCount(this.index)}, found ${describeChar(c)}`, this.pos);
      }
      return;
    }
    if (c === RBRACKET) {
      if (this.arrState === A_NEXT) throw this.notJson(`',' after the last entry (${formatCount(this.index)}) is not allowed`, this.pos);
      this.closeEntries();
      return;
    }
    if (c === COMMA) throw this.notJson(`expected an entry, found ','`, this.pos);
    this.mode = M_ELEMENT;
    this.startScan(c);
  }

  private closeEntries(): void {
    this.pos++;
    this.entriesClosed = true;
    this.mode = M_OBJECT;
    this.objState = O_COMMA_OR_END;
  }

  private startValue(c: number, capture: boolean): void {
    this.mode = M_VALUE;
    this.capture = capture;
    this.startScan(c);
    this.keeping = capture;
  }

  /** Starts scanning a JSON value whose first character c is at pos. */
  private startScan(c: number): void {
    this.start = this.pos;
    this.keeping = true;
    this.stack.length = 0;
    this.inString = false;
    this.escaped = false;
    this.scalar = false;
    if (c === QUOTE) {
      this.inString = true;
      this.pos++;
    } else if (c === LBRACE || c === LBRACKET) {
      this.stack.push(c);
      this.pos++;
    } else if (c === RBRACE || c === RBRACKET || c === COLON) {
      throw this.mode === M_ELEMENT
        ? this.entryError(`is not valid JSON at byte ${formatCount(this.byteAt(this.pos))}: unexpected ${describeChar(c)}`, this.byteAt(this.pos))
        : this.notJson(`expected a value, found ${describeChar(c)}`, this.pos);
    } else {
      this.scalar = true;
    }
  }

  /** Advances through the value being scanned; true when it is complete (pos just after it). */
  private scanValue(): boolean {
    const buf = this.buf;
    const n = buf.length;
    if (this.scalar) {
      for (let i = this.pos; i < n; i++) {
        const c = buf.charCodeAt(i);
        if (c === COMMA || c === RBRACE || c === RBRACKET || isWhitespace(c)) {
          this.pos = i;
          return true;
        }
      }
      this.pos = n;
      return false;
    }
    const stack = this.stack;
    let inString = this.inString;
    let escaped = this.escaped;
    for (let i = this.pos; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c === BACKSLASH) {
          escaped = true;
        } else if (c === QUOTE) {
          inString = false;
          if (stack.length === 0) {
            this.pos = i + 1;
            this.inString = false;
            return true;
          }
        } else if (c < 0x20) {
          this.pos = i;
          throw this.scanError(`control character ${describeChar(c)} inside a string (a missing '"'?)`, i);
        }
        continue;
      }
      if (c === QUOTE) {
        inString = true;
      } else if (c === LBRACE || c === LBRACKET) {
        stack.push(c);
      } else if (c === RBRACE || c === RBRACKET) {
        const open = stack.pop();
        if (open !== (c === RBRACE ? LBRACE : LBRACKET)) {
          throw this.scanError(`${describeChar(c)} closes ${open === undefined ? 'nothing' : describeChar(open)}`, i);
        }
        if (stack.length === 0) {
          this.pos = i + 1;
          return true;
        }
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    this.pos = n;
    return false;
  }

  private scanError(what: string, at: number): HarReadError {
    if (this.mode === M_ELEMENT) return this.entryError(`is not valid JSON at byte ${formatCount(this.byteAt(at))}: ${what}`, this.byteAt(at));
    return this.notJson(what, at);
  }

  /** A field value (or a skipped one) is complete. */
  private valueDone(): void {
    if (this.capture && this.key !== null) {
      const text = this.buf.slice(this.start, this.pos);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        const failure = parseFailure(error, text);
        const at = this.start + (failure.position ?? 0);
        const owner = this.frame === F_LOG ? 'log.' : '';
        throw this.notJson(`invalid value of ${owner}${this.key}: ${failure.message}`, at);
      }
      // defineProperty: a key "__proto__" in the file stays a plain field.
      const field = { value, enumerable: true, writable: true, configurable: true };
      if (this.frame === F_LOG) {
        Object.defineProperty(this.logFields, this.key, field);
      } else {
        Object.defineProperty(this.rootFields, this.key, field);
        if (this.key === 'format' && value === 'corsight-report' && this.fileKind === undefined) this.fileKind = 'corsight-report';
      }
    }
    this.keeping = false;
    this.capture = false;
    this.mode = M_OBJECT;
    this.objState = O_COMMA_OR_END;
  }

  /** An entry's text is complete: parse it on its own. */
  private elementDone(): void {
    const text = this.buf.slice(this.start, this.pos);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const failure = parseFailure(error, text);
      const at = this.byteAt(this.start) + (failure.position === undefined ? 0 : utf8Length(text, 0, failure.position));
      throw this.entryError(`is not valid JSON at byte ${formatCount(at)}: ${failure.message}`, at);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const startByte = this.byteAt(this.start);
      throw this.entryError(`is ${describeValue(value)}, not an object (byte ${formatCount(startByte)})`, startByte);
    }
    this.out.push(value);
    this.index++;
    this.keeping = false;
    this.mode = M_ARRAY;
    this.arrState = A_COMMA_OR_END;
  }
}
