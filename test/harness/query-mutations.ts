import { FieldRule } from './dto-rules';

/** One way of breaking a query string: `field` set to `value` (repeated for an array). */
export interface QueryMutation {
  field: string;
  value: string | string[];
  why: string;
}

function integerMutations(rule: FieldRule): QueryMutation[] {
  const field = rule.name;
  const values: Array<[string, string | string[]]> = [
    ['empty', ''],
    ['blanks', '   '],
    ['a word', 'abc'],
    ['a fraction', '1.5'],
    ['an exponent', '1e2'],
    ['hexadecimal', '0x10'],
    ['a leading blank', ' 5'],
    ['a negative number', '-1'],
    ['huge', '1'.repeat(30)],
    ['repeated', ['1', '2']],
  ];
  if (rule.maximum !== undefined) values.push(['above the maximum', String(rule.maximum + 1)]);
  if (rule.minimum !== undefined && rule.minimum > 0)
    values.push(['below the minimum', String(rule.minimum - 1)]);
  return values.map(([why, value]) => ({ field, value, why }));
}

function stringMutations(rule: FieldRule): QueryMutation[] {
  const field = rule.name;
  const mutations: QueryMutation[] = [{ field, value: ['a', 'b'], why: 'repeated' }];
  if ((rule.minLength ?? 0) > 0) mutations.push({ field, value: '', why: 'empty' });
  if (rule.maxLength !== undefined)
    mutations.push({ field, value: 'x'.repeat(rule.maxLength + 1), why: 'too long' });
  return mutations;
}

/** Every way the rules say a query string of these fields can be wrong. */
export function queryMutationsOf(fields: FieldRule[]): QueryMutation[] {
  return [
    { field: 'unexpected', value: '1', why: 'an unknown parameter' },
    ...fields.flatMap((rule) =>
      rule.kind === 'integer' ? integerMutations(rule) : stringMutations(rule),
    ),
  ];
}

export function queryStringOf(mutation: QueryMutation): string {
  const query = new URLSearchParams();
  for (const value of [mutation.value].flat()) query.append(mutation.field, value);
  return query.toString();
}
