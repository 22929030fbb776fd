import { ModelCallError } from '../../errors/model-call-error.js';
import { degenerateVectorError, dimensionError, vectorCountError } from './embedding-errors.js';

/** `values` scaled to length 1, or undefined when that is impossible (all zeros, NaN, ∞). */
export function toUnitVector(values: ArrayLike<number>): Float32Array | undefined {
  let sumOfSquares = 0;
  for (let index = 0; index < values.length; index++) {
    const value = values[index] ?? Number.NaN;
    sumOfSquares += value * value;
  }
  const length = Math.sqrt(sumOfSquares);
  if (!Number.isFinite(length) || length === 0) return undefined;
  const vector = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) vector[index] = (values[index] ?? 0) / length;
  return vector;
}

/**
 * Checks one answer of a model (`vectors` for `sent` texts) and scales each vector to length 1.
 * Every vector must have `dimensions` numbers when given, else as many as the first. Throws
 * `ModelCallError` (kind `protocol`) naming `where` and the model otherwise.
 */
export function checkedUnitVectors(options: {
  where: string;
  model: string;
  sent: number;
  vectors: readonly ArrayLike<number>[];
  dimensions: number | undefined;
}): Float32Array[] {
  const { where, model, sent, vectors } = options;
  if (vectors.length !== sent) {
    throw new ModelCallError(vectorCountError(where, model, sent, vectors.length));
  }
  const expected = options.dimensions ?? vectors[0]?.length;
  return vectors.map((values) => {
    if (expected !== undefined && values.length !== expected) {
      throw new ModelCallError(dimensionError(where, model, expected, values.length));
    }
    const vector = toUnitVector(values);
    if (vector === undefined) throw new ModelCallError(degenerateVectorError(where, model));
    return vector;
  });
}

/** `items` in consecutive slices of at most `size`. */
export function inBatches<Item>(items: readonly Item[], size: number): Item[][] {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`The batch size must be a positive integer, got ${size}.`);
  }
  const batches: Item[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches;
}
