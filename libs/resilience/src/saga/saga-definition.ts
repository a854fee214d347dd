import type { SagaDefinition } from './saga.types';

/**
 * Checks a saga definition and returns it, typed. Definitions are checked again on `register`;
 * calling this at module load reports mistakes before anything runs.
 *
 * @example
 * ```ts
 * export const placeOrder = defineSaga<PlaceOrderData>({ name: 'place-order', steps: [...] });
 * ```
 */
export function defineSaga<TData extends object>(
  definition: SagaDefinition<TData>,
): SagaDefinition<TData> {
  return validateDefinition(definition);
}

/**
 * @internal
 * Throws, naming the saga and the step, unless the definition has a name, steps with distinct
 * names, at most one pivot, no compensation at or after the pivot, and groups
 * (`runsWithPrevious`) that neither start the saga nor include the pivot.
 */
export function validateDefinition<TData extends object>(
  definition: SagaDefinition<TData>,
): SagaDefinition<TData> {
  if (!definition.name) throw new Error('A saga definition needs a name');
  if (definition.steps.length === 0) throw new Error(`Saga "${definition.name}" has no steps`);
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (names.has(step.name))
      throw new Error(`Saga "${definition.name}" has two steps named "${step.name}"`);
    names.add(step.name);
    if (step.pivot && step.compensate) {
      throw new Error(
        `Step "${step.name}" of saga "${definition.name}" is the pivot: it cannot have a compensation`,
      );
    }
  }
  if (definition.steps[0].runsWithPrevious)
    throw new Error(
      `Step "${definition.steps[0].name}" of saga "${definition.name}" is the first: there is no previous step to run with`,
    );
  definition.steps.forEach((step, index) => {
    const next = definition.steps[index + 1];
    if (step.pivot && (step.runsWithPrevious || next?.runsWithPrevious)) {
      throw new Error(
        `Step "${step.name}" of saga "${definition.name}" is the pivot: it runs alone, not with another step`,
      );
    }
  });
  const pivots = definition.steps.filter((step) => step.pivot);
  if (pivots.length > 1) throw new Error(`Saga "${definition.name}" has more than one pivot step`);
  const pivotIndex = pivotIndexOf(definition);
  const undoable = definition.steps.findIndex(
    (step, index) => index > pivotIndex && step.compensate,
  );
  if (undoable >= 0) {
    throw new Error(
      `Step "${definition.steps[undoable].name}" of saga "${definition.name}" comes after the pivot: it is never compensated, so it cannot have a compensation`,
    );
  }
  return definition;
}

/** @internal Index of the pivot step, or the step count when there is none. */
export function pivotIndexOf(definition: SagaDefinition<object>): number {
  const index = definition.steps.findIndex((step) => step.pivot);
  return index < 0 ? definition.steps.length : index;
}
