/** The runtime ports open per tab (a tab may have several: two DevTools windows, panel and popup). */
export class PortsByTab<P> {
  private readonly byTab = new Map<number, Set<P>>();

  add(tabId: number, port: P): void {
    let set = this.byTab.get(tabId);
    if (!set) this.byTab.set(tabId, (set = new Set()));
    set.add(port);
  }

  /** Returns whether the tab has no port left. */
  remove(tabId: number, port: P): boolean {
    const set = this.byTab.get(tabId);
    if (!set) return true;
    set.delete(port);
    if (set.size === 0) this.byTab.delete(tabId);
    return set.size === 0;
  }

  has(tabId: number): boolean {
    return this.byTab.has(tabId);
  }

  tabs(): number[] {
    return [...this.byTab.keys()];
  }

  of(tabId: number): ReadonlySet<P> {
    return this.byTab.get(tabId) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<never> = new Set();
