/**
 * HarEntryReader: entries of a HAR (or Corsight report) read from chunks of text. The expected
 * entries always come from JSON.parse of the whole text, never from the code under test.
 */
import { describe, expect, it } from 'vitest';
import { HarEntryReader, HarReadError } from '../../../src/capture/har/har-reader.ts';

interface ReadResult {
  entries: unknown[];
  reader: HarEntryReader;
}

function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

function readChunks(chunks: Iterable<string>): ReadResult {
  const reader = new HarEntryReader();
  const entries: unknown[] = [];
  for (const chunk of chunks) entries.push(...reader.push(chunk));
  entries.push(...reader.end());
  return { entries, reader };
}

function read(text: string, chunkSize = text.length || 1): ReadResult {
  return readChunks(chunksOf(text, chunkSize));
}

/** Feeds the text in one chunk and ends; returns the entries given before the error and the error. */
function readError(text: string): { entries: unknown[]; error: HarReadError } {
  const reader = new HarEntryReader();
  const entries: unknown[] = [];
  try {
    entries.push(...reader.push(text));
    entries.push(...reader.end());
  } catch (error) {
    expect(error).toBeInstanceOf(HarReadError);
    return { entries, error: error as HarReadError };
  }
  throw new Error('no HarReadError');
}

const TRICKY = 'quote \\" backslash \\\\ slash \\/ tab \\t unicode \\u00e9\\ud83d\\ude00 literal é 😀 日本 and brackets ]}[{ ,:';

function entry(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: `2024-01-01T00:00:0${i}.000Z`,
    time: 12.5 + i,
    request: {
      method: i % 2 ? 'PUT' : 'GET',
      url: `https://api.example.com/items/${i}?q=é`,
      headers: [
        { name: 'Origin', value: 'https://app.example.com' },
        { name: 'X-Note', value: JSON.parse(`"${TRICKY}"`) as string },
      ],
    },
    response: { status: 200, headers: [], content: { size: 0, text: '{"nested": "[json]"}' } },
    _resourceType: 'fetch',
    ...extra,
  };
}

const ENTRIES = [entry(0), entry(1, { comment: '😀😀 \\ "' }), entry(2, { empty: {}, list: [[], [1, [2, {}]], null, true, -1.5e3] })];

function harText(space?: number): string {
  return JSON.stringify(
    {
      log: {
        version: '1.2',
        creator: { name: 'Corsight', version: '0.1.0' },
        comment: 'Redacted: "cookies" \\ é',
        pages: [{ id: 'page_1', title: 'ü ] }' }],
        entries: ENTRIES,
      },
    },
    null,
    space,
  );
}

/** A HAR written by hand so that escapes appear exactly as a file would have them. */
const RAW_HAR = `\uFEFF{\r\n "log" : {"creator":{"name":"Corsight"},\t"entries" : [ {"a":"${TRICKY}","n":[1, {"b":"\\\\"}]} ,\n{ "k\\u00e9y" : "x\\\\\\"y" } ] } }\n`;

describe('HarEntryReader: the same entries as JSON.parse(file).log.entries', () => {
  for (const space of [undefined, 2]) {
    const text = harText(space);
    const expected = (JSON.parse(text) as { log: { entries: unknown[] } }).log.entries;
    for (let size = 1; size <= 7; size++) {
      it(`${space ? 'indented' : 'compact'} HAR, chunks of ${size} characters`, () => {
        const { entries, reader } = read(text, size);
        expect(entries).toEqual(expected);
        expect(reader.kind).toBe('har');
        expect(reader.fields).toEqual({ version: '1.2', creator: { name: 'Corsight', version: '0.1.0' }, comment: 'Redacted: "cookies" \\ é' });
        expect(reader.consumed).toBe(text.length);
        expect(reader.consumedBytes).toBe(Buffer.byteLength(text, 'utf8'));
        expect(reader.bufferedLength).toBe(0);
      });
    }
  }

  it('a hand-written HAR (BOM, CRLF, escaped key, \\\\ before a quote), chunks of 1..7', () => {
    const expected = (JSON.parse(RAW_HAR.slice(1)) as { log: { entries: unknown[] } }).log.entries;
    expect(expected).toHaveLength(2);
    for (let size = 1; size <= 7; size++) {
      const { entries, reader } = read(RAW_HAR, size);
      expect(entries).toEqual(expected);
      expect((reader.fields.creator as { name: string }).name).toBe('Corsight');
    }
  });

  it('split in two at every position (inside escapes, surrogate pairs, keys)', () => {
    for (const text of [RAW_HAR, harText()]) {
      const expected = (JSON.parse(text.replace(/^\uFEFF/, '')) as { log: { entries: unknown[] } }).log.entries;
      for (let at = 0; at <= text.length; at++) {
        const { entries, reader } = readChunks([text.slice(0, at), text.slice(at)]);
        expect(entries, `split at ${at}`).toEqual(expected);
        expect(reader.consumedBytes).toBe(Buffer.byteLength(text, 'utf8'));
      }
    }
  });

  it('split in three around every surrogate pair and escape of one entry', () => {
    const text = JSON.stringify({ log: { entries: [{ s: 'a😀\\"\\\\\n\u0001é"' }] } });
    const expected = [{ s: 'a😀\\"\\\\\n\u0001é"' }];
    for (let a = 0; a < text.length; a++) {
      for (let b = a; b <= Math.min(text.length, a + 4); b++) {
        expect(readChunks([text.slice(0, a), text.slice(a, b), text.slice(b)]).entries).toEqual(expected);
      }
    }
  });

  it('entries are returned as soon as their chunk completes them, in file order', () => {
    const reader = new HarEntryReader();
    expect(reader.push('{"log":{"entries":[{"i":0},{"i":')).toEqual([{ i: 0 }]);
    expect(reader.kind).toBe('har');
    expect(reader.push('1}')).toEqual([{ i: 1 }]);
    expect(reader.push(',{"i":2},{"i":3}')).toEqual([{ i: 2 }, { i: 3 }]);
    expect(reader.push(']}}')).toEqual([]);
    expect(reader.end()).toEqual([]);
  });
});

describe('HarEntryReader: layout of the file', () => {
  const e1 = { request: { url: 'https://a.example/' } };
  const e2 = { request: { url: 'https://b.example/' } };
  const layouts: Record<string, string> = {
    'entries first in log': `{"log":{"entries":[${JSON.stringify(e1)},${JSON.stringify(e2)}],"version":"1.2","creator":{"name":"x","version":"1"},"pages":[]}}`,
    'entries last in log': `{"log":{"pages":[{"id":"p","x":[{"entries":[1]}]}],"version":"1.2","creator":{"name":"x"},"comment":"c","entries":[${JSON.stringify(e1)},${JSON.stringify(e2)}]}}`,
    'top-level keys before and after log': `{"a":{"log":{"entries":[1]}},"entries":"no","b":[1,2,"]"],"log":{"entries":[${JSON.stringify(e1)},${JSON.stringify(e2)}]},"c":null,"d":{"entries":[3]}}`,
    'whitespace everywhere': ` \n\t{ "log" \r\n: \n{ "entries" :\n[\n ${JSON.stringify(e1, null, 3)} \n,\n ${JSON.stringify(e2, null, '\t')} \n]\n ,\n "version" : "1.2" } \n } \n\n`,
    'keys written with escapes': `{"l\\u006fg":{"\\u0065ntries":[${JSON.stringify(e1)},${JSON.stringify(e2)}]}}`,
  };
  for (const [name, text] of Object.entries(layouts)) {
    it(name, () => {
      const expected = (JSON.parse(text) as { log: { entries: unknown[] } }).log.entries;
      expect(expected).toEqual([e1, e2]);
      for (const size of [1, 2, 5, text.length]) expect(read(text, size).entries).toEqual(expected);
    });
  }

  it('an empty entries array gives no entries and no error', () => {
    const { entries, reader } = read('{"log":{"version":"1.2","entries":[ ]}}');
    expect(entries).toEqual([]);
    expect(reader.kind).toBe('har');
  });

  it('fields: small fields of log are kept, pages and oversized fields are not', () => {
    const big = 'x'.repeat(100_000);
    const { reader } = read(JSON.stringify({ log: { creator: { name: 'Corsight' }, browser: { name: 'Chrome' }, pages: [{ id: 'p' }], _huge: big, comment: 'c', entries: [] } }), 4096);
    expect(reader.fields).toEqual({ creator: { name: 'Corsight' }, browser: { name: 'Chrome' }, comment: 'c' });
  });

  it('a field named __proto__ stays a plain field', () => {
    const { reader } = read('{"log":{"__proto__":{"polluted":true},"entries":[]}}');
    expect(Object.getPrototypeOf(reader.fields)).toBe(Object.prototype);
    expect((reader.fields as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(reader.fields)).toEqual(['__proto__']);
  });
});

describe('HarEntryReader: errors', () => {
  it("not JSON: '<html>'", () => {
    const { error } = readError('<html><body>Sign in</body></html>');
    expect(error.kind).toBe('not-json');
    expect(error.byteOffset).toBe(0);
    expect(error.message).toBe("Not JSON: the file starts with '<' (byte 0); expected '{'");
  });

  it('not JSON after a BOM and whitespace: the byte offset counts them', () => {
    const { error } = readError('\uFEFF  \nhello');
    expect(error.kind).toBe('not-json');
    expect(error.byteOffset).toBe(6);
  });

  it('an empty file', () => {
    expect(readError('  \n').error.kind).toBe('not-json');
    expect(readError('').error.message).toBe('Not JSON: the file is empty');
  });

  it('a JSON array, a JSON string, a number', () => {
    for (const text of ['[{"request":{}}]', '"log"', '  42']) {
      const { error } = readError(text);
      expect(error.kind, text).toBe('not-har');
      expect(error.message, text).toMatch(/^Not a HAR file: /);
    }
  });

  it('an object without log', () => {
    const { error } = readError('{"name":"package","version":"1.0.0"}');
    expect(error.kind).toBe('not-har');
    expect(error.message).toBe('Not a HAR file: the top-level JSON object has no log.entries array');
  });

  it('log without entries, log not an object, entries not an array', () => {
    expect(readError('{"log":{"version":"1.2","pages":[]}}').error.message).toBe('Not a HAR file: log has no entries array');
    expect(readError('{"log":[]}').error.kind).toBe('not-har');
    expect(readError('{"log":{"entries":{}}}').error.message).toMatch(/^Not a HAR file: log.entries is not an array/);
  });

  it('truncated in the middle of an entry: byte offset of all the text fed and the entry index', () => {
    const text = harText(2);
    const cut = text.indexOf('😀😀') + 2; // inside entry 2 (index 1), after a 4-byte character
    const fed = text.slice(0, cut);
    for (const size of [1, 3, fed.length]) {
      const reader = new HarEntryReader();
      const entries: unknown[] = [];
      for (const chunk of chunksOf(fed, size)) entries.push(...reader.push(chunk));
      expect(entries).toEqual([ENTRIES[0]]);
      let error: unknown;
      try {
        reader.end();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(HarReadError);
      const bytes = Buffer.byteLength(fed, 'utf8');
      expect(bytes).toBeGreaterThan(fed.length); // the text fed has non-ASCII characters
      expect(error).toMatchObject({ kind: 'truncated', byteOffset: bytes, entryIndex: 1 });
      expect((error as Error).message).toBe(`The file is truncated at byte ${bytes.toLocaleString('en-US')} (inside entry 2): export it again`);
    }
  });

  it('truncated between entries or before the entries array', () => {
    const between = readError('{"log":{"entries":[{"a":1},');
    expect(between.entries).toEqual([{ a: 1 }]);
    expect(between.error).toMatchObject({ kind: 'truncated', byteOffset: 27 });
    expect(between.error.message).toContain('after entry 1');
    expect(readError('{"log":{"version":"1.').error.kind).toBe('truncated');
    expect(readError('{"log":{"entries":[]}').error.kind).toBe('truncated');
  });

  it('an entry with invalid JSON names its index; the entries before it are still given', () => {
    const text = '{"log":{"entries":[{"a":1},{"a":2},{"a" 3},{"a":4}]}}';
    const { entries, error } = readError(text);
    expect(entries).toEqual([{ a: 1 }, { a: 2 }]);
    // JSON.parse's position (the '3', where a ':' was expected), counted from the start of the file.
    expect(error).toMatchObject({ kind: 'entry', entryIndex: 2, byteOffset: text.indexOf(' 3') + 1 });
    expect(error.message).toMatch(/^Entry 3 \(log\.entries\[2\]\) is not valid JSON at byte 40: /);
  });

  it('after an error, every later call throws the same error', () => {
    const reader = new HarEntryReader();
    expect(reader.push('{"log":{"entries":[{"a":1},{"a":}')).toEqual([{ a: 1 }]);
    let first: unknown;
    try {
      reader.push(']}}');
    } catch (e) {
      first = e;
    }
    expect(first).toMatchObject({ kind: 'entry', entryIndex: 1 });
    expect(() => reader.end()).toThrow(first as Error);
  });

  it('an entry with an unclosed string in an indented file is found at its line end', () => {
    const text = '{\n "log": {\n  "entries": [\n   {"url": "https://é.example/},\n   {"url": "x"}\n  ]\n }\n}\n';
    const { error } = readError(text);
    expect(error).toMatchObject({ kind: 'entry', entryIndex: 0, byteOffset: Buffer.byteLength(text.slice(0, text.indexOf('},\n') + 2)) });
  });

  it('a number, a string, null or an array as an entry', () => {
    for (const [bad, what] of [
      ['7', 'a number'],
      ['"x"', 'a string'],
      ['null', 'null'],
      ['[{}]', 'an array'],
    ] as const) {
      const text = `{"log":{"entries":[{"ok":true}, ${bad}]}}`;
      const { entries, error } = readError(text);
      expect(entries).toEqual([{ ok: true }]);
      expect(error).toMatchObject({ kind: 'entry', entryIndex: 1, byteOffset: text.indexOf(bad, 30) });
      expect(error.message).toBe(`Entry 2 (log.entries[1]) is ${what}, not an object (byte ${text.indexOf(bad, 30)})`);
    }
  });

  it('text after the top-level object, a missing comma, a trailing comma', () => {
    expect(readError('{"log":{"entries":[]}} {}').error.kind).toBe('not-json');
    expect(readError('{"log":{"entries":[{} {}]}}').error.kind).toBe('not-json');
    expect(readError('{"log":{"entries":[{},]}}').error.kind).toBe('not-json');
    expect(readError('{"log":{"version":"1.2" "entries":[]}}').error.kind).toBe('not-json');
    expect(readError('{"x":[1}, "log":{"entries":[]}}').error.kind).toBe('not-json');
  });

  it('an entry longer than maxEntryChars is refused without keeping the rest of the file', () => {
    const reader = new HarEntryReader({ maxEntryChars: 1000 });
    expect(reader.push('{"log":{"entries":[{"a":"')).toEqual([]);
    expect(() => reader.push('x'.repeat(2000))).toThrow(/Entry 1 \(log\.entries\[0\]\) is longer than 1,000 characters/);
    expect(reader.bufferedLength).toBe(0);
  });
});

describe('HarEntryReader: Corsight report', () => {
  const report = {
    format: 'corsight-report',
    version: 1,
    generatedAt: '2024-01-01T00:00:00.000Z',
    tab: { id: 3, url: 'https://app.example.com/' },
    counts: { ok: 1, warning: 0, blocked: 1 },
    entries: [
      { seq: 1, url: 'https://api.example.com/a', status: 'ok', exchange: { method: 'GET', hops: [{ url: 'https://api.example.com/a' }] } },
      { seq: 2, url: 'https://api.example.com/é', status: 'blocked', exchange: { method: 'PUT', hops: [{ url: 'https://api.example.com/é' }] } },
    ],
  };

  it('is recognised as soon as format is read, and its entries are given', () => {
    const text = JSON.stringify(report, null, 2);
    for (const size of [1, 7, 100]) {
      const reader = new HarEntryReader();
      const entries: unknown[] = [];
      let kindBeforeEntries: unknown;
      for (const chunk of chunksOf(text, size)) {
        const got = reader.push(chunk);
        if (entries.length === 0 && got.length > 0) kindBeforeEntries = reader.kind;
        entries.push(...got);
      }
      entries.push(...reader.end());
      expect(kindBeforeEntries).toBe('corsight-report');
      expect(entries).toEqual(report.entries);
      expect(reader.fields).toMatchObject({ format: 'corsight-report', version: 1, tab: { id: 3 } });
    }
  });

  it('format after entries: kind known at the end', () => {
    const { entries: all, format, ...rest } = report;
    const text = JSON.stringify({ ...rest, entries: all, format });
    const { entries, reader } = read(text, 5);
    expect(entries).toEqual(report.entries);
    expect(reader.kind).toBe('corsight-report');
  });

  it('a top-level entries array without format is not a HAR', () => {
    const { error } = readError(JSON.stringify({ entries: [{ exchange: {} }] }));
    expect(error.kind).toBe('not-har');
    expect(readError('{"format":"corsight-report","version":1}').error.kind).toBe('not-har');
  });

  it("a HAR's own top-level entries are not read", () => {
    const { entries, reader } = read('{"log":{"entries":[{"h":1}]},"entries":[{"r":1}]}');
    expect(entries).toEqual([{ h: 1 }]);
    expect(reader.kind).toBe('har');
  });
});

describe('HarEntryReader: bounded memory', () => {
  const COUNT = 50_000;
  const CHUNK = 64 * 1024;

  /** A HAR of `COUNT` synthetic entries as chunks of CHUNK characters, never built whole. */
  function* syntheticHar(stats: { largestEntry: number; bytes: number }): Generator<string> {
    let pending = '';
    // Bytes are counted on whole pieces: a chunk may end between the halves of a surrogate pair.
    const add = (text: string): void => {
      pending += text;
      stats.bytes += Buffer.byteLength(text, 'utf8');
    };
    const flush = function* (force: boolean): Generator<string> {
      while (pending.length >= CHUNK || (force && pending.length > 0)) {
        const chunk = pending.slice(0, CHUNK);
        pending = pending.slice(chunk.length);
        yield chunk;
      }
    };
    add('{"log":{"version":"1.2","creator":{"name":"synthetic","version":"1"},"entries":[\n');
    for (let i = 0; i < COUNT; i++) {
      const text = JSON.stringify({
        startedDateTime: new Date(1_700_000_000_000 + i).toISOString(),
        time: i % 97,
        request: {
          method: 'POST',
          url: `https://api.example.com/v1/items/${i}?name=caf%C3%A9`,
          headers: [
            { name: 'Origin', value: 'https://app.example.com' },
            { name: 'Content-Type', value: 'application/json' },
          ],
        },
        response: {
          status: i % 10 === 0 ? 0 : 200,
          headers: [{ name: 'Access-Control-Allow-Origin', value: 'https://app.example.com' }],
          content: { size: 64, mimeType: 'application/json', text: `{"id":${i},"name":"café 😀 \\"quoted\\"","tags":["a","b"]}`.repeat(1 + (i % 5)) },
        },
        _resourceType: 'fetch',
      });
      stats.largestEntry = Math.max(stats.largestEntry, text.length);
      add((i ? ',\n' : '') + text);
      yield* flush(false);
    }
    add('\n],"comment":"end"}}\n');
    yield* flush(true);
  }

  it(`reads ${COUNT.toLocaleString('en-US')} entries with a buffer bounded by the largest entry`, () => {
    const stats = { largestEntry: 0, bytes: 0 };
    const reader = new HarEntryReader();
    const baseline = process.memoryUsage().heapUsed;
    let peakDelta = 0;
    let count = 0;
    let nextSample = 0;
    let maxBuffered = 0;
    for (const chunk of syntheticHar(stats)) {
      count += reader.push(chunk).length;
      maxBuffered = Math.max(maxBuffered, reader.bufferedLength);
      if (count >= nextSample) {
        peakDelta = Math.max(peakDelta, process.memoryUsage().heapUsed - baseline);
        nextSample += 1000;
      }
    }
    count += reader.end().length;
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      `har-reader: ${count} entries, ${mb(stats.bytes)} fed (${stats.bytes} bytes) in ${CHUNK}-char chunks; ` +
        `peak heapUsed delta ${mb(peakDelta)}; largest entry ${stats.largestEntry} chars; max buffered ${maxBuffered} chars`,
    );
    expect(count).toBe(COUNT);
    expect(reader.consumedBytes).toBe(stats.bytes);
    expect(reader.fields).toMatchObject({ creator: { name: 'synthetic' }, comment: 'end' });
    expect(maxBuffered).toBeLessThanOrEqual(2 * stats.largestEntry);
  }, 120_000);
});
