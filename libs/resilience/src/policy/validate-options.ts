/** @internal Option checks: a bad option fails at construction with one sentence naming it. */
export function ratio(name: string, value: number): number {
  if (!(value > 0 && value <= 1))
    throw new RangeError(`${name} must be a ratio in (0, 1], got ${value}`);
  return value;
}

/** @internal */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** @internal Like positiveInteger, but Infinity is allowed (for "retry until success"). */
export function positiveCount(name: string, value: number): number {
  return value === Number.POSITIVE_INFINITY ? value : positiveInteger(name, value);
}

/** @internal */
export function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
  }
  return value;
}

/** @internal */
export function nonNegative(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/** @internal */
export function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number > 0, got ${value}`);
  }
  return value;
}
