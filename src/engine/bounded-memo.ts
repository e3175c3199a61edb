/**
 * A memo for a pure function of strings that repeat across exchanges (header names, URLs,
 * origins): computing them anew (a new string or object to allocate and hash) showed in every
 * CPU profile of diagnose() (issue 20). Bounded, because hostile pages may send endless distinct
 * or huge values: cleared when it holds `maxEntries`, and a key longer than `maxKeyLength` is
 * computed each time, never kept.
 */
export class BoundedMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(
    private readonly compute: (key: string) => V,
    private readonly maxEntries: number,
    private readonly maxKeyLength: number,
  ) {}

  get(key: string): V {
    if (key.length > this.maxKeyLength) return this.compute(key);
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.compute(key);
      if (this.values.size >= this.maxEntries) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }

  get size(): number {
    return this.values.size;
  }
}
