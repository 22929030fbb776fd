import { expect } from 'vitest';
import { ModelCallError } from '../../../errors/model-call-error.js';

/** The error `promise` rejects with, checked to be a `ModelCallError`. */
export async function modelCallError(promise: Promise<unknown>): Promise<ModelCallError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ModelCallError);
  return error as ModelCallError;
}

/** Asserts that `actual` is `expected` (any numbers) scaled to length 1, within float error. */
export function expectUnitVersionOf(actual: Float32Array | undefined, expected: readonly number[]) {
  const length = Math.hypot(...expected);
  expect(actual).toBeInstanceOf(Float32Array);
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, index) => expect(actual?.[index]).toBeCloseTo(value / length, 6));
}
