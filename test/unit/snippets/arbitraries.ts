import fc from 'fast-check';

/** Pieces that break out of literals or inject config directives when not escaped. */
export const HOSTILE_PIECES = ['"', "'", '`', '\\', '\n', '\r', '\t', '}', '{', ';', '$', '#', '#{', '${', '{$', '%', '%[', '%{', '?>', '*/', '\0', '\u2028', '\u00e9', '\u{1F600}', '\uD800', 'a', ' ', 'add_header X-Evil 1'];

export const hostileString = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 12 }).map((a) => a.join('')),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ maxLength: 20 }),
);

/** Printable ASCII strings with hostile pieces: what config-format escapers must accept or refuse. */
export const hostileAscii = fc.oneof(
  fc.array(fc.constantFrom('"', "'", '`', '\\', '}', '{', ';', '$', '#', '%', '%[', 'a', ' ', '*', 'x: y', 'add_header X-Evil 1', 'Header set X-Evil 1'), { maxLength: 10 }).map((a) => a.join('')),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }),
);

export const sample = <T>(arb: fc.Arbitrary<T>, n: number, seed = 7): T[] => fc.sample(arb, { numRuns: n, seed });
