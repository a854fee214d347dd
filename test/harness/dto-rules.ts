import { queryInteger, trimmed } from '@shop/contracts/common/transforms';
import { TransformationType } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes, getMetadataStorage } from 'class-validator';
import { Bounds } from './bounds';

/** What the validation decorators of one DTO field require, read from their metadata. */
export interface FieldRule extends Bounds {
  name: string;
  /** No `@IsOptional()` / `@IsOmittable()`: leaving it out is an error. */
  isRequired: boolean;
  kind: 'string' | 'integer' | 'object' | 'array';
  /** A string format a validator checks (email, MongoDB id, UUID) or a pattern. */
  format?: 'email' | 'mongoId' | 'uuid';
  pattern?: RegExp;
  oneOf?: readonly unknown[];
  /** Surrounding blanks are trimmed before the rules apply (`@Transform(trimmed)`). */
  isTrimmed?: boolean;
  /** A string of digits is taken as the number (`@Transform(queryInteger)`). */
  acceptsDigits?: boolean;
  /** The fields of a nested object, or of each element of an array of objects. */
  fields?: FieldRule[];
}

type Constructor = new () => object;

interface Metadata {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

function nestedClassOf(target: Constructor, property: string): Constructor | undefined {
  const typeMetadata = defaultMetadataStorage.findTypeMetadata(target, property);
  return typeMetadata?.typeFunction() as Constructor | undefined;
}

function ruleOf(target: Constructor, name: string, metadatas: Metadata[]): FieldRule {
  const named = (validator: string) =>
    metadatas.find((metadata) => metadata.name === validator && !metadata.each);
  const constraint = (validator: string) => named(validator)?.constraints?.[0] as number;
  // Only a validated nested object: `@Type(() => Number)` names a conversion, not a class.
  const nested = metadatas.some((metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION)
    ? nestedClassOf(target, name)
    : undefined;
  const isArray = Boolean(named('isArray'));
  const kind: FieldRule['kind'] = isArray
    ? 'array'
    : nested
      ? 'object'
      : named('isInt')
        ? 'integer'
        : 'string';
  const rule: FieldRule = {
    name,
    isRequired: !metadatas.some(
      (metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION,
    ),
    kind,
    ...(nested && { fields: rulesOf(nested) }),
  };
  const transforms = defaultMetadataStorage
    .findTransformMetadatas(target, name, TransformationType.PLAIN_TO_CLASS)
    .map((metadata) => metadata.transformFn as unknown);
  if (transforms.includes(trimmed)) rule.isTrimmed = true;
  if (transforms.includes(queryInteger)) rule.acceptsDigits = true;
  if (named('isEmail')) rule.format = 'email';
  if (named('isMongoId')) rule.format = 'mongoId';
  if (named('isUuid')) rule.format = 'uuid';
  if (named('matches')) rule.pattern = named('matches')!.constraints![0] as RegExp;
  if (named('isIn')) rule.oneOf = named('isIn')!.constraints![0] as unknown[];
  if (named('min')) rule.minimum = constraint('min');
  if (named('max')) rule.maximum = constraint('max');
  if (named('minLength')) rule.minLength = constraint('minLength');
  if (named('maxLength')) rule.maxLength = constraint('maxLength');
  if (named('arrayMinSize')) rule.minItems = constraint('arrayMinSize');
  if (named('arrayMaxSize')) rule.maxItems = constraint('arrayMaxSize');
  return rule;
}

/**
 * The rules of every validated field of a DTO class (its parents' included), from the
 * decorators themselves, so that a new field or rule is covered by the property tests
 * without anyone listing it.
 */
export function rulesOf(dto: Constructor): FieldRule[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(
    dto,
    '',
    true,
    false,
  ) as unknown as Metadata[];
  const byProperty = new Map<string, Metadata[]>();
  for (const metadata of metadatas) {
    byProperty.set(metadata.propertyName, [
      ...(byProperty.get(metadata.propertyName) ?? []),
      metadata,
    ]);
  }
  return [...byProperty].map(([name, fieldMetadatas]) => ruleOf(dto, name, fieldMetadatas));
}
