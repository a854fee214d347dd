import { isEmail } from 'class-validator';
import fc from 'fast-check';
import { integerWithin } from './bounds';
import { FieldRule } from './dto-rules';

/** Fixed values for fields whose valid values the platform decides (an existing product's id). */
export type FieldOverrides = Record<string, unknown>;

function validString(rule: FieldRule): fc.Arbitrary<string> {
  if (rule.format === 'email')
    return fc
      .emailAddress()
      .filter((email) => isEmail(email) && email.length <= (rule.maxLength ?? 254));
  if (rule.format === 'mongoId') return fc.stringMatching(/^[0-9a-f]{24}$/);
  if (rule.format === 'uuid') return fc.uuid();
  if (rule.pattern) return fc.stringMatching(rule.pattern);
  if (rule.oneOf) return fc.constantFrom(...(rule.oneOf as string[]));
  const minLength = rule.minLength ?? 0;
  // Printable, not blank at either end: trimmed fields would otherwise fall below their minimum.
  return fc
    .string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'),
      minLength,
      maxLength: Math.min(rule.maxLength ?? 40, minLength + 30),
    })
    .filter((text) => text.trim() === text && text.length >= minLength);
}

/** Values that pass every rule of the field. */
export function validValue(rule: FieldRule, overrides: FieldOverrides = {}): fc.Arbitrary<unknown> {
  if (rule.name in overrides) return fc.constant(overrides[rule.name]);
  switch (rule.kind) {
    case 'integer':
      return integerWithin(rule);
    case 'object':
      return validObject(rule.fields ?? [], overrides);
    case 'array':
      return fc.array(validObject(rule.fields ?? [], overrides), {
        minLength: rule.minItems ?? 0,
        maxLength: Math.min(rule.maxItems ?? 3, 3),
      });
    default:
      return validString(rule);
  }
}

/** Objects of which every field is valid; optional fields are sometimes left out. */
export function validObject(
  fields: FieldRule[],
  overrides: FieldOverrides = {},
): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(
    fields.map((field) => [field.name, validValue(field, overrides)]),
  );
  return fc.record(model, {
    requiredKeys: fields.filter((field) => field.isRequired).map((field) => field.name),
  }) as fc.Arbitrary<Record<string, unknown>>;
}

/** One way of breaking a valid body: at `path` put `value` (or remove the field). */
export interface Mutation {
  path: string[];
  why: string;
  value?: unknown;
  remove?: boolean;
}

const wrongTypes: Record<FieldRule['kind'], Array<[string, unknown]>> = {
  string: [
    ['a number', 12_345],
    ['a boolean', true],
    ['an object', { text: 'x' }],
    ['an array', ['x']],
  ],
  integer: [
    ['a numeric string', '10'],
    ['a fraction', 1.5],
    ['a boolean', true],
    ['an empty string', ''],
    ['an array', [1]],
  ],
  object: [
    ['a string', 'x'],
    ['a number', 42],
    ['an empty array', []],
    ['an empty string', ''],
  ],
  array: [
    ['an object', {}],
    ['a string', 'x'],
    ['an empty string', ''],
  ],
};

/** Every way in which the rules say one field can be wrong. */
function fieldMutations(rule: FieldRule, path: string[]): Mutation[] {
  const at = [...path, rule.name];
  const mutations: Mutation[] = [{ path: at, why: 'null', value: null }];
  if (rule.isRequired) mutations.push({ path: at, why: 'missing', remove: true });
  for (const [why, value] of wrongTypes[rule.kind])
    if (!(rule.acceptsDigits && why === 'a numeric string'))
      mutations.push({ path: at, why, value });
  const hasPattern = Boolean(rule.pattern || rule.format);
  if (rule.kind === 'string' && ((rule.minLength ?? 0) > 0 || hasPattern))
    mutations.push({ path: at, why: 'an empty string', value: '' });
  // Blanks are text unless the field is trimmed or has a format.
  if (rule.kind === 'string' && (((rule.minLength ?? 0) > 0 && rule.isTrimmed) || hasPattern))
    mutations.push({ path: at, why: 'blanks', value: '   ' });
  if (rule.kind === 'string' && rule.maxLength !== undefined)
    mutations.push({ path: at, why: 'too long', value: 'x'.repeat(rule.maxLength + 1) });
  if (rule.kind === 'integer') {
    if (rule.maximum !== undefined)
      mutations.push({ path: at, why: 'above the maximum', value: rule.maximum + 1 });
    if (rule.minimum !== undefined)
      mutations.push({ path: at, why: 'below the minimum', value: rule.minimum - 1 });
    mutations.push({ path: at, why: 'huge', value: 1e21 });
  }
  if (rule.kind === 'object')
    mutations.push({ path: at, why: 'an array of the object', value: [{}] });
  if (rule.kind === 'array') {
    mutations.push({ path: at, why: 'a nested array', value: [[{}]] });
    mutations.push({ path: at, why: 'a null element', value: [null] });
    if (rule.maxItems !== undefined)
      mutations.push({
        path: at,
        why: 'too many elements',
        value: Array.from({ length: rule.maxItems + 1 }, () => ({})),
      });
  }
  if (rule.fields) {
    const inner = rule.kind === 'array' ? [...at, '0'] : at;
    mutations.push({ path: [...inner, 'unexpected'], why: 'an unknown field', value: 'x' });
    for (const field of rule.fields) mutations.push(...fieldMutations(field, inner));
  }
  return mutations;
}

/** Every mutation of a body of these fields, the body as a whole included. */
export function mutationsOf(fields: FieldRule[]): Mutation[] {
  return [
    { path: [], why: 'an array for the body', value: [] },
    { path: [], why: 'a string for the body', value: 'x' },
    { path: ['isAdmin'], why: 'an unknown field', value: true },
    ...fields.flatMap((field) => fieldMutations(field, [])),
  ];
}

/** The body with the mutation applied; a path through a missing array element adds one. */
export function applyMutation(body: Record<string, unknown>, mutation: Mutation): unknown {
  if (mutation.path.length === 0) return mutation.value;
  const copy = structuredClone(body) as Record<string, unknown>;
  let parent: Record<string, unknown> = copy;
  for (const key of mutation.path.slice(0, -1)) {
    const child = parent[key];
    parent[key] = typeof child === 'object' && child !== null ? child : {};
    parent = parent[key] as Record<string, unknown>;
  }
  const last = mutation.path[mutation.path.length - 1];
  if (mutation.remove) delete parent[last];
  else parent[last] = mutation.value;
  return copy;
}

export function describeMutation(mutation: Mutation): string {
  return `${mutation.path.join('.') || 'body'} as ${mutation.why}`;
}

/** One valid body per mutation of the DTO, so that every way of breaking it is tried once. */
export function everyMutationOnce(
  fields: FieldRule[],
  overrides: FieldOverrides,
  seed: number,
): Array<[body: Record<string, unknown>, mutation: Mutation]> {
  const mutations = mutationsOf(fields);
  const bodies = fc.sample(validObject(fields, overrides), { numRuns: mutations.length, seed });
  return mutations.map((mutation, index) => [bodies[index], mutation]);
}
