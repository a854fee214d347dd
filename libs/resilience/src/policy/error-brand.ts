/**
 * @internal
 * Type guards check a brand on the prototype as well as `instanceof`, so an error still
 * matches when two copies of this library end up in one process (a bundled app and a linked lib).
 */
export function brand(prototype: object, name: string): symbol {
  const key = Symbol.for(`@shop/resilience:${name}`);
  Object.defineProperty(prototype, key, { value: true });
  return key;
}

/** @internal */
export function hasBrand(value: unknown, key: symbol): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[key] === true
  );
}
