import { ValueTransformer } from 'typeorm';

/**
 * node-postgres reads `bigint` as a string so as not to lose digits; our amounts stay within
 * Number.MAX_SAFE_INTEGER (the contract's bound), so numbers are exact.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
