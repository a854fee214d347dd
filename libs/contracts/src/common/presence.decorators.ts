import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateIf, ValidateNested } from 'class-validator';

function compose(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

/**
 * An optional field that may be left out but never sent as `null`.
 *
 * `@IsOptional()` skips every rule for `null` as well as for a missing field, so
 * `{"name": null}` passed validation and reached the database (issue #12). None of our
 * fields is nullable, so this skips the rules only when the field is absent.
 *
 * @example
 * \@IsOmittable() \@IsString() name?: string;
 */
export function IsOmittable(): PropertyDecorator {
  return compose(
    ValidateIf((_object, value) => value !== undefined),
    IsDefined({ message: '$property must not be null; leave it out instead' }),
  );
}

/**
 * A required nested object, validated by its own class. `@ValidateNested()` alone lets a
 * missing field through and walks into an array as if it were the object (`"shippingAddress": []`
 * passed), so the value must first be a plain object.
 *
 * @example
 * \@IsNestedObject(() => ShippingAddress) shippingAddress: ShippingAddress;
 */
export function IsNestedObject(type: () => new () => object): PropertyDecorator {
  return compose(
    IsObject({ message: '$property must be an object' }),
    ValidateNested(),
    Type(type),
  );
}

/**
 * An array of nested objects: each element must be an object of the class, not a nested
 * array (which `@ValidateNested({ each: true })` would walk into) nor a scalar.
 */
export function IsNestedObjectArray(type: () => new () => object): PropertyDecorator {
  return compose(
    IsObject({ each: true, message: 'each value in $property must be an object' }),
    ValidateNested({ each: true }),
    Type(type),
  );
}
