/**
 * A compact, lossless storage form for Exchanges and the assembler's in-flight state
 * (storage.session has a 10 MB quota). Header lists dominate a captured exchange: the same
 * User-Agent, sec-ch-ua, Accept..., the actual request's headers repeated as its first hop's,
 * identical response headers on every response of an API. Every header list (an array of
 * `{name, value}`) becomes `{$l: i}`, an index into a table of distinct lists, each a flat array of
 * indices into a table of distinct strings. Order, case and duplicates are kept exactly (the
 * engine's rules read header order and names).
 *
 * Stored as one JSON string (`packString`): Chromium charges storage.session for its in-memory
 * values, where every object and key costs far more than its JSON text (measured: 100 packed
 * exchanges are 52 KB of JSON, 2,000 of them took 3.7 MB as objects, ~1 MB as strings).
 */
export interface Packed {
  /** Marks the packed form (older records were stored plain). */
  p: 1;
  s: string[];
  l: number[][];
  v: unknown;
}

function isHeaderList(value: unknown[]): boolean {
  if (value.length === 0) return false;
  for (const h of value) {
    if (typeof h !== 'object' || h === null) return false;
    const o = h as Record<string, unknown>;
    if (typeof o.name !== 'string' || typeof o.value !== 'string') return false;
    let keys = 0;
    for (const _ in o) keys++;
    if (keys !== 2) return false;
  }
  return true;
}

/** The tables of one packed value, filled as its parts are walked (in order). */
class Packer {
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  readonly lists: number[][] = [];
  private readonly listIndex = new Map<string, number>();
  private readonly seen = new Map<unknown[], number>();

  private str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  walk(v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      const known = this.seen.get(v);
      if (known !== undefined) return { $l: known };
      if (isHeaderList(v)) {
        const flat: number[] = [];
        for (const h of v as Array<{ name: string; value: string }>) flat.push(this.str(h.name), this.str(h.value));
        const key = flat.join(',');
        let i = this.listIndex.get(key);
        if (i === undefined) {
          i = this.lists.length;
          this.lists.push(flat);
          this.listIndex.set(key, i);
        }
        this.seen.set(v, i);
        return { $l: i };
      }
      return v.map((x) => this.walk(x));
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = this.walk(x);
    return out;
  }
}

export function pack(value: unknown): Packed {
  const packer = new Packer();
  const v = packer.walk(value);
  return { p: 1, s: packer.strings, l: packer.lists, v };
}

/**
 * packString() of a list that grows at its end, item by item: each item is walked once, however
 * often the list is written (a log's newest chunk is written at every checkpoint while it fills;
 * packing it whole each time was most of the worker's own time under a burst, issue 20). Gives
 * exactly packString(items) for the items appended, in order.
 */
export class GrowingListPacker {
  private readonly packer = new Packer();
  private readonly packed: unknown[] = [];
  /** The items appended, as given (the caller tells an append from a change by them). */
  readonly items: unknown[] = [];

  append(item: unknown): void {
    this.items.push(item);
    this.packed.push(this.packer.walk(item));
  }

  toString(): string {
    return JSON.stringify({ p: 1, s: this.packer.strings, l: this.packer.lists, v: this.packed } satisfies Packed);
  }
}

export function isPacked(value: unknown): value is Packed {
  return typeof value === 'object' && value !== null && (value as { p?: unknown }).p === 1 && Array.isArray((value as Packed).l);
}

/** The inverse of pack(); a value that is not packed is returned as is. */
export function unpack(value: unknown): unknown {
  if (!isPacked(value)) return value;
  const { s, l } = value;
  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    if (typeof o.$l === 'number') {
      const flat = l[o.$l] ?? [];
      const headers: Array<{ name: string; value: string }> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) headers.push({ name: s[flat[i] as number] ?? '', value: s[flat[i + 1] as number] ?? '' });
      return headers;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = walk(x);
    return out;
  };
  return walk(value.v);
}

/** pack() as a JSON string (what is stored). */
export function packString(value: unknown): string {
  return JSON.stringify(pack(value));
}

/** The inverse of packString(); also reads pack() objects and plain values stored by older versions. */
export function unpackStored(value: unknown): unknown {
  if (typeof value === 'string') {
    try {
      return unpack(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return unpack(value);
}
