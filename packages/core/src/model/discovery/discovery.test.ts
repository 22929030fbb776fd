import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureModelPath, startFakeLlmServer, startFakeOllamaServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/config-error.js';
import { pickBestModel } from './best-model.js';
import {
  discoverModels,
  EMBEDDED_CAPABILITIES,
  OPENAI_COMPATIBLE_CAPABILITIES,
} from './discover-models.js';
import type { Discovery, ModelCandidate } from './discover-models.js';
import { readGgufSummary } from './gguf-summary.js';
import { addLocalModel, listLocalModels } from './local-models.js';
import { resolveLocalModel } from './resolve-model.js';

const FIXTURE = fixtureModelPath();

let root: string;
let modelsDirectory: string;
let registryPath: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'outpost-discovery-'));
  modelsDirectory = join(root, 'models');
  registryPath = join(root, 'models.json');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('local GGUF models', () => {
  it('lists files in the models folder, never hidden partial downloads, plus added paths', async () => {
    mkdirSync(modelsDirectory);
    copyFileSync(FIXTURE, join(modelsDirectory, 'stories.gguf'));
    writeFileSync(join(modelsDirectory, '.big.gguf.partial'), 'GGUF');
    writeFileSync(join(modelsDirectory, 'notes.txt'), 'x');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    copyFileSync(FIXTURE, join(elsewhere, 'tiny.gguf'));
    await addLocalModel({
      registryPath,
      modelsDirectory,
      path: join(elsewhere, 'tiny.gguf'),
      name: 'tiny-llama',
    });

    const models = listLocalModels({ modelsDirectory, registryPath });
    expect(models.map((model) => [model.name, model.source])).toEqual([
      ['stories', 'models folder'],
      ['tiny-llama', 'added'],
    ]);
    expect(models[0]?.sizeBytes).toBe(1_185_376);
  });

  it('refuses a missing file, a bad name, and a name another file uses', async () => {
    await expect(
      addLocalModel({ registryPath, modelsDirectory, path: join(root, 'none.gguf') }),
    ).rejects.toThrow(/There is no file at/);
    copyFileSync(FIXTURE, join(root, 'a.gguf'));
    copyFileSync(FIXTURE, join(root, 'b.gguf'));
    await expect(
      addLocalModel({
        registryPath,
        modelsDirectory,
        path: join(root, 'a.gguf'),
        name: 'bad name!',
      }),
    ).rejects.toThrow(/cannot be a model name/);
    await addLocalModel({
      registryPath,
      modelsDirectory,
      path: join(root, 'a.gguf'),
      name: 'same',
    });
    await expect(
      addLocalModel({ registryPath, modelsDirectory, path: join(root, 'b.gguf'), name: 'same' }),
    ).rejects.toThrow(/already used by/);
  });

  it('says which file is broken when the model list is not valid', () => {
    writeFileSync(registryPath, '{"version": 1, "models": [{"name": 3}]}');
    expect(() => listLocalModels({ modelsDirectory, registryPath })).toThrow(ConfigError);
    expect(() => listLocalModels({ modelsDirectory, registryPath })).toThrow(registryPath);
  });

  it('reads a GGUF header without loading the model, and refuses a file that is not one', async () => {
    await expect(readGgufSummary(FIXTURE)).resolves.toEqual({
      architecture: 'llama',
      contextLength: 2048,
      embeddingOnly: false,
    });
    const fake = join(root, 'fake.gguf');
    writeFileSync(fake, 'not a model at all');
    await expect(readGgufSummary(fake)).rejects.toThrow(/fake\.gguf is not a readable GGUF model/);
  });
});

function server(
  name: string,
  extra: Partial<Extract<ModelCandidate, { kind: 'server' }>> = {},
): ModelCandidate {
  return {
    kind: 'server',
    provider: 'openai-compatible',
    server: 'LM Studio',
    baseUrl: 'http://127.0.0.1:1234/v1',
    name,
    contextWindow: undefined,
    loaded: false,
    capabilities: OPENAI_COMPATIBLE_CAPABILITIES,
    ...extra,
  };
}

function file(name: string, sizeBytes: number): ModelCandidate {
  return {
    kind: 'file',
    provider: 'embedded',
    source: 'models folder',
    name,
    path: `/m/${name}.gguf`,
    sizeBytes,
    contextWindow: undefined,
    capabilities: EMBEDDED_CAPABILITIES,
  };
}

describe('picking the best model', () => {
  const memory = { totalMemoryBytes: 16e9 };

  it('prefers a model a server has loaded, then any server model, then files', () => {
    expect(
      pickBestModel([file('big', 5e9), server('a'), server('b', { loaded: true })], memory)?.name,
    ).toBe('b');
    expect(pickBestModel([file('big', 5e9), server('a')], memory)?.name).toBe('a');
  });

  it('among files prefers coder and instruct models, then the largest that fits memory', () => {
    const files = [
      file('llama-3b', 3e9),
      file('qwen2.5-coder-1.5b-instruct', 1e9),
      file('huge-coder', 15e9),
    ];
    expect(pickBestModel(files, memory)?.name).toBe('qwen2.5-coder-1.5b-instruct');
    expect(pickBestModel([file('small', 1e8), file('medium', 4e9)], memory)?.name).toBe('medium');
  });

  it('never picks an embedding model or an unreadable file', () => {
    const embedder = {
      ...file('nomic-embed', 3e8),
      capabilities: { ...EMBEDDED_CAPABILITIES, embeddings: true },
    };
    const broken = { ...file('broken', 2e9), problem: 'bad magic' } as ModelCandidate;
    expect(pickBestModel([embedder, broken], memory)).toBeUndefined();
  });
});

describe('resolving the model to use', () => {
  const base = () => ({
    fetch: (() => Promise.reject(new Error('no network in this test'))) as typeof fetch,
    modelsDirectory,
    registryPath,
    configPath: '/home/u/.config/outpost/config.json',
    totalMemoryBytes: 16e9,
  });
  const discovered =
    (candidates: ModelCandidate[]): (() => Promise<Discovery>) =>
    () =>
      Promise.resolve({ candidates, servers: [] });

  it('takes a GGUF path as given, without looking anywhere', async () => {
    const resolution = await resolveLocalModel({
      ...base(),
      name: FIXTURE,
      discover: () => Promise.reject(new Error('must not discover')),
    });
    expect(resolution.candidate).toMatchObject({
      kind: 'file',
      name: 'stories260K',
      path: FIXTURE,
    });
    expect(resolution.note).toBeUndefined();
    await expect(
      resolveLocalModel({ ...base(), name: join(root, 'missing.gguf') }),
    ).rejects.toThrow(/There is no model file at/);
  });

  it('finds a named model among files first, then server models', async () => {
    const discover = discovered([server('stories'), file('stories', 1e6), server('qwen3:8b')]);
    expect((await resolveLocalModel({ ...base(), name: 'stories', discover })).candidate.kind).toBe(
      'file',
    );
    expect(
      (await resolveLocalModel({ ...base(), name: 'qwen3:8b', discover })).candidate.kind,
    ).toBe('server');
    await expect(resolveLocalModel({ ...base(), name: 'nope', discover })).rejects.toThrow(
      /No model named "nope" is available\. Available now: stories, stories, qwen3:8b/,
    );
  });

  it('picks the best model when none is named, and says which in one line', async () => {
    const resolution = await resolveLocalModel({
      ...base(),
      name: undefined,
      discover: discovered([file('qwen2.5-coder-1.5b', 1e9)]),
    });
    expect(resolution.note).toBe(
      'Using qwen2.5-coder-1.5b (/m/qwen2.5-coder-1.5b.gguf, run in-process).',
    );
    expect(resolution.note?.includes('\n')).toBe(false);
  });

  it('says where it looked and every way to get a model when there is none', async () => {
    const attempt = resolveLocalModel({ ...base(), name: undefined, discover: discovered([]) });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(
      /Outpost looked for llama\.cpp server \(127\.0\.0\.1:8080\), LM Studio \(127\.0\.0\.1:1234\) and Ollama \(127\.0\.0\.1:11434\), and for GGUF files in/,
    );
    await expect(attempt).rejects.toThrow(/outpost models pull/);
    await expect(attempt).rejects.toThrow('/home/u/.config/outpost/config.json');
  });
});

describe('discovering the models of local servers', () => {
  it('lists llama.cpp and Ollama models with context size, load state and capabilities', async () => {
    const llamaCpp = await startFakeLlmServer({
      models: ['qwen2.5-coder-7b'],
      contextWindow: 16_384,
    });
    const ollama = await startFakeOllamaServer({
      models: [
        { name: 'qwen3:8b', contextLength: 40_960, capabilities: ['completion', 'tools'] },
        { name: 'nomic-embed-text', contextLength: 2048, capabilities: ['embedding'] },
      ],
    });
    try {
      const discovery = await discoverModels({
        fetch: (input, init) => fetch(input, init),
        modelsDirectory,
        registryPath,
        details: true,
        servers: [
          { server: 'llama.cpp server', provider: 'openai-compatible', baseUrl: llamaCpp.baseUrl },
          { server: 'LM Studio', provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:1/v1' },
          { server: 'Ollama', provider: 'ollama', baseUrl: ollama.baseUrl },
        ],
      });
      expect(discovery.servers.map((server) => [server.server, server.reachable])).toEqual([
        ['llama.cpp server', true],
        ['LM Studio', false],
        ['Ollama', true],
      ]);
      expect(discovery.candidates).toMatchObject([
        {
          name: 'qwen2.5-coder-7b',
          provider: 'openai-compatible',
          contextWindow: 16_384,
          loaded: true,
        },
        {
          name: 'qwen3:8b',
          provider: 'ollama',
          contextWindow: 40_960,
          capabilities: { nativeTools: true },
        },
        {
          name: 'nomic-embed-text:latest',
          provider: 'ollama',
          capabilities: { embeddings: true, nativeTools: false },
        },
      ]);
      expect(pickBestModel(discovery.candidates, { totalMemoryBytes: 16e9 })?.name).toBe(
        'qwen2.5-coder-7b',
      );
    } finally {
      await llamaCpp.close();
      await ollama.close();
    }
  });
});
