import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamPart } from '@outpost/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateTokens } from '../token-estimate.js';
import { createEmbeddedModel } from './embedded-model.js';
import { fixtureModelPath } from '@outpost/test-kit';

const fixture = fixtureModelPath();

async function firstCall(modelPath: string): Promise<StreamPart[]> {
  const model = createEmbeddedModel({ modelPath, threads: 1 });
  try {
    const parts: StreamPart[] = [];
    for await (const part of model.stream({
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [],
    })) {
      parts.push(part);
    }
    return parts;
  } finally {
    await model.dispose();
  }
}

function loadFailure(message: RegExp) {
  return [
    {
      type: 'error',
      error: {
        kind: 'unreachable',
        isRetryable: false,
        message: expect.stringMatching(message) as unknown,
      },
    },
  ];
}

describe('createEmbeddedModel when the model cannot load', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'outpost-embedded-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('reports a missing file as an error part, not a throw', async () => {
    const path = join(directory, 'missing.gguf');
    expect(await firstCall(path)).toEqual(
      loadFailure(/^The model file .*missing\.gguf does not exist\.$/),
    );
  });

  it('reports a file that is not a GGUF', async () => {
    const path = join(directory, 'notes.gguf');
    await writeFile(path, 'These are not model weights.');
    expect(await firstCall(path)).toEqual(loadFailure(/is not a GGUF model/));
  });

  it('reports a directory and a relative path', async () => {
    expect(await firstCall(directory)).toEqual(loadFailure(/is a directory/));
    expect(await firstCall('models/tiny.gguf')).toEqual(loadFailure(/is not absolute/));
  });

  it('reports a GGUF that node-llama-cpp cannot read', async () => {
    const path = join(directory, 'truncated.gguf');
    await writeFile(path, (await readFile(fixture)).subarray(0, 4096));
    expect(await firstCall(path)).toEqual(loadFailure(/^Could not load the model .*truncated/));
  });

  it('keeps reporting the failure, estimates tokens and knows no window', async () => {
    const model = createEmbeddedModel({ modelPath: join(directory, 'absent.gguf') });

    expect(await model.contextWindow()).toBeUndefined();
    expect(await model.countTokens('twelve chars')).toBe(estimateTokens('twelve chars'));
    for (let call = 0; call < 2; call++) {
      const parts: StreamPart[] = [];
      for await (const part of model.stream({ messages: [], tools: [] })) parts.push(part);
      expect(parts).toEqual(loadFailure(/does not exist/));
    }
    expect(model.stats()).toMatchObject({
      loaded: false,
      loading: false,
      loadError: expect.stringMatching(/does not exist/) as unknown,
    });
    await model.dispose();
  });
});
