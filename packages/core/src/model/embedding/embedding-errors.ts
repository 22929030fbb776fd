import type { ModelErrorInfo } from '@outpost/protocol';

/*
 * Messages of failed embedding calls that the chat messages (`model-server-errors.ts`) do not
 * cover: answers of the wrong shape or size. Each names the server or file and the model.
 */

/** The answer had a different number of vectors than texts were sent. */
export function vectorCountError(where: string, model: string, sent: number, got: number) {
  return shapeError(
    `${where} returned ${got} embedding ${got === 1 ? 'vector' : 'vectors'} for ${sent} ` +
      `${sent === 1 ? 'text' : 'texts'} (model "${model}").`,
  );
}

/**
 * A vector's length differs from the model's earlier vectors (or from the size the model file
 * declares): the model was probably replaced under the same name.
 */
export function dimensionError(where: string, model: string, expected: number, got: number) {
  return shapeError(
    `${where} returned an embedding of ${got} numbers for model "${model}", where earlier ` +
      `embeddings had ${expected}. The model may have been replaced under the same name; ` +
      'vectors of different models cannot be compared, so embed again with one model.',
  );
}

/** A vector that cannot be scaled to length 1: all zeros, or not finite numbers. */
export function degenerateVectorError(where: string, model: string) {
  return shapeError(
    `${where} returned an embedding of model "${model}" that is all zeros or not a number; ` +
      'the model may not be an embedding model.',
  );
}

function shapeError(message: string): ModelErrorInfo {
  return { kind: 'protocol', isRetryable: false, message };
}
