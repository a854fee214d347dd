import fc from 'fast-check';

/** The size limits a validation rule or a schema sets (the names are OpenAPI's). */
export interface Bounds {
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** Integers within the bounds; unbounded sides stop at a size a test can still read. */
export function integerWithin(
  { minimum, maximum }: Bounds,
  lowest = -1_000_000,
): fc.Arbitrary<number> {
  return fc.integer({
    min: minimum ?? lowest,
    max: Math.min(maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
  });
}
