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

/**
 * @internal
 * Names an error class (its instances' `name`, writable as on built-in errors) and brands it;
 * returns the brand key for the class's type guard.
 */
export function nameAndBrand(errorClass: { readonly prototype: object }, name: string): symbol {
  Object.defineProperty(errorClass.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
  });
  return brand(errorClass.prototype, name);
}
