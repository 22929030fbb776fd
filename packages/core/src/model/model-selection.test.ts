import { describe, expect, it } from 'vitest';
import { ModelCallError } from '../errors/model-call-error.js';
import { selectServerModel } from './model-selection.js';
import type { ListModels } from './model-selection.js';

function serversAt(available: Record<string, string[]>): {
  listModels: ListModels;
  asked: string[];
} {
  const asked: string[] = [];
  const listModels: ListModels = (baseUrl) => {
    asked.push(baseUrl);
    const names = available[baseUrl];
    if (names === undefined) {
      return Promise.reject(
        new ModelCallError({
          kind: 'unreachable',
          isRetryable: true,
          message: `No model server is reachable at ${baseUrl} (connection refused).`,
        }),
      );
    }
    return Promise.resolve(names);
  };
  return { listModels, asked };
}

describe('selectServerModel', () => {
  it('uses an explicit base URL and model without contacting anything', async () => {
    const { listModels, asked } = serversAt({});
    const selection = await selectServerModel({
      baseUrl: 'http://10.0.0.5:8000/v1',
      model: 'qwen',
      listModels,
    });
    expect(selection).toEqual({
      baseUrl: 'http://10.0.0.5:8000/v1',
      model: 'qwen',
      note: undefined,
    });
    expect(asked).toEqual([]);
  });

  it('picks the preferred model when the server has it, else the first listed, and says so', async () => {
    const { listModels } = serversAt({ 'http://h/v1': ['a', 'b'] });
    const base = { baseUrl: 'http://h/v1', model: undefined, listModels };
    expect((await selectServerModel({ ...base, preferredModel: 'b' })).model).toBe('b');
    const first = await selectServerModel({ ...base, preferredModel: 'zzz' });
    expect(first.model).toBe('a');
    expect(first.note).toBe('Using model a at http://h/v1.');
  });

  it('explains an unreachable configured server and how to skip the lookup', async () => {
    const { listModels } = serversAt({});
    await expect(
      selectServerModel({
        baseUrl: 'http://h/v1',
        model: undefined,
        listModels,
      }),
    ).rejects.toThrow(
      'No model server is reachable at http://h/v1 (connection refused). Name the model with --model NAME',
    );
  });
});
