import { isEmail } from 'class-validator';
import fc from 'fast-check';
import { Bounds, integerWithin } from './bounds';

/** The part of an OpenAPI 3.0 schema object the gateway's document uses. */
export interface Schema extends Bounds {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

export type Components = Record<string, Schema>;

export function resolve(schema: Schema, components: Components): Schema {
  if (schema.$ref) return resolve(components[schema.$ref.split('/').pop()!], components);
  if (schema.allOf?.length === 1) return resolve(schema.allOf[0], components);
  return schema;
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === 'email')
    return fc.emailAddress().filter((email) => isEmail(email) && email.length <= 254);
  if (schema.format === 'uuid') return fc.uuid();
  const minLength = schema.minLength ?? 0;
  // An unanchored pattern (nonBlank's \S) leaves the length to minLength and maxLength.
  if (schema.pattern)
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
  return fc
    .string({ minLength, maxLength: Math.min(schema.maxLength ?? 30, minLength + 30) })
    .filter((text) => text.trim().length >= minLength);
}

/** Values the document allows for the schema; optional properties are sometimes left out. */
export function documentedValue(schema: Schema, components: Components): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, components);
  switch (resolved.type) {
    case 'integer':
      return integerWithin(resolved, -1_000);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(documentedValue(resolved.items ?? {}, components), {
        minLength: resolved.minItems ?? 0,
        maxLength: Math.min(resolved.maxItems ?? 3, 3),
      });
    case 'object': {
      const properties = resolved.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [
          name,
          documentedValue(property, components),
        ]),
      );
      return fc.record(model, { requiredKeys: resolved.required ?? [] });
    }
    default:
      return stringOf(resolved);
  }
}

/** Values that break the schema, each one on its own. */
export function undocumentedValue(schema: Schema, components: Components): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, components);
  const wrong: Array<fc.Arbitrary<unknown>> = [fc.constant(null)];
  if (resolved.type === 'integer') {
    wrong.push(fc.constantFrom('1', 1.5, true, ''));
    if (resolved.maximum !== undefined) wrong.push(fc.constant(resolved.maximum + 1));
    if (resolved.minimum !== undefined) wrong.push(fc.constant(resolved.minimum - 1));
  } else if (resolved.type === 'object') {
    wrong.push(fc.constantFrom('x', 42, [], [{}]));
    const required = resolved.required ?? [];
    const properties = Object.keys(resolved.properties ?? {});
    if (properties.length > 0)
      wrong.push(
        documentedValue(resolved, components).chain((valid) =>
          fc.oneof(
            fc.constant({ ...(valid as object), unexpected: 'x' }),
            ...(required.length > 0
              ? [
                  fc.constantFrom(...required).map((name) => {
                    const copy = { ...(valid as Record<string, unknown>) };
                    delete copy[name];
                    return copy;
                  }),
                ]
              : []),
            fc.constantFrom(...properties).chain((name) =>
              undocumentedValue(resolved.properties![name], components).map((value) => ({
                ...(valid as object),
                [name]: value,
              })),
            ),
          ),
        ),
      );
  } else if (resolved.type === 'array') {
    wrong.push(fc.constantFrom({}, 'x', [[{}]], [null]));
  } else if (resolved.type === 'string') {
    wrong.push(fc.constantFrom(42, true, { text: 'x' }));
    if (resolved.maxLength !== undefined)
      wrong.push(fc.constant('x'.repeat(resolved.maxLength + 1)));
    if ((resolved.minLength ?? 0) > 0 || resolved.pattern || resolved.format || resolved.enum)
      wrong.push(fc.constant(''));
  }
  return fc.oneof(...wrong);
}
