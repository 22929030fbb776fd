import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { ModelCallError } from '../errors/model-call-error.js';
import { selectModel } from './model-selection.js';
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

describe('selectModel', () => {
  it('uses an explicit base URL and model without contacting anything', async () => {
    const { listModels, asked } = serversAt({});
    const selection = await selectModel({
      baseUrl: 'http://10.0.0.5:8000/v1',
      model: 'qwen',
      listModels,
      configPath: '/c.json',
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
    const base = { baseUrl: 'http://h/v1', model: undefined, listModels, configPath: '/c.json' };
    expect((await selectModel({ ...base, preferredModel: 'b' })).model).toBe('b');
    const first = await selectModel({ ...base, preferredModel: 'zzz' });
    expect(first.model).toBe('a');
    expect(first.note).toBe('Using model a at http://h/v1.');
  });

  it('explains an unreachable configured server and how to skip the lookup', async () => {
    const { listModels } = serversAt({});
    await expect(
      selectModel({ baseUrl: 'http://h/v1', model: undefined, listModels, configPath: '/c.json' }),
    ).rejects.toThrow(
      'No model server is reachable at http://h/v1 (connection refused). Name the model with --model NAME',
    );
  });

  it('probes the well-known loopback servers in order of preference', async () => {
    const { listModels, asked } = serversAt({
      'http://127.0.0.1:1234/v1': ['lmstudio-model'],
      'http://127.0.0.1:11434/v1': ['ollama-model'],
    });
    const selection = await selectModel({
      baseUrl: undefined,
      model: undefined,
      listModels,
      configPath: '/c.json',
    });
    expect(selection).toEqual({
      baseUrl: 'http://127.0.0.1:1234/v1',
      model: 'lmstudio-model',
      note: 'Using LM Studio at http://127.0.0.1:1234/v1, model lmstudio-model.',
    });
    expect(asked.every((url) => url.startsWith('http://127.0.0.1:'))).toBe(true);
  });

  it('says where it looked and how to configure a server when none answers', async () => {
    const { listModels } = serversAt({});
    const attempt = selectModel({
      baseUrl: undefined,
      model: 'x',
      listModels,
      configPath: '/home/u/.config/outpost/config.json',
    });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(
      /No model server is reachable\. Outpost looked for llama\.cpp server \(127\.0\.0\.1:8080\), LM Studio \(127\.0\.0\.1:1234\) and Ollama/,
    );
    await expect(attempt).rejects.toThrow('/home/u/.config/outpost/config.json');
  });
});
