/** host[:port] of an origin, for labels; the origin itself when it does not parse. */
export function hostOf(origin: string): string {
  try {
    return new URL(origin).host || origin;
  } catch {
    return origin || 'an unknown server';
  }
}
