import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@outpost/core';
import type { OutpostConfig } from '@outpost/core';
import { startFakeLlmServer } from '@outpost/test-kit';
import type { FakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseModel } from './model-choice.js';
import { recordModelSpeed, modelSpeedsPath } from './model-speeds.js';
import { assertAllowedByPolicy } from './project-policy.js';
import type { Settings } from './runtime.js';

let home: string;
let big: FakeLlmServer;
let small: FakeLlmServer;

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'outpost-routing-home-'));
  big = await startFakeLlmServer({ models: ['coder-big'], contextWindow: 32_768 });
  small = await startFakeLlmServer({ models: ['coder-small'], contextWindow: 16_384 });
});
afterEach(async () => {
  await Promise.all([big.close(), small.close()]);
  rmSync(home, { recursive: true, force: true });
});

function settings(router: OutpostConfig['router'], extra: Partial<Settings> = {}): Settings {
  return {
    config: { router },
    configPath: join(home, 'config.json'),
    env: { OUTPOST_HOME: home },
    offline: false,
    ...extra,
  };
}

describe('choosing models with a router', () => {
  it('describes every configured model and starts with the best for the coder role', async () => {
    recordModelSpeed(modelSpeedsPath(home), 'openai-compatible', 'coder-small', {
      promptTokensPerSecond: 400,
      generationTokensPerSecond: 42,
    });
    const choice = await chooseModel(
      {},
      settings({
        models: [
          { name: 'coder-small', baseUrl: small.baseUrl, toolProtocol: 'constrained' },
          { name: 'coder-big', baseUrl: big.baseUrl },
        ],
      }),
    );

    expect(choice.router?.candidates.map((candidate) => candidate.name)).toEqual([
      'coder-small',
      'coder-big',
    ]);
    expect(choice.router?.candidates[0]).toMatchObject({
      location: small.baseUrl,
      locality: 'local',
      toolProtocol: 'constrained',
      contextWindow: 16_384,
      tokensPerSecond: 42,
      roles: [],
    });
    expect(choice.model.modelId).toBe('coder-big');
    expect(choice.location).toBe(big.baseUrl);
    expect(choice.note).toBe('Routing between coder-small, coder-big (policy any).');
    // Only the model lists and windows were asked for: nothing was generated.
    expect([...big.requests, ...small.requests].map((request) => request.path).sort()).toEqual([
      '/props',
      '/props',
      '/v1/models',
      '/v1/models',
    ]);
  });

  it('a model named by flag or environment wins over the router', async () => {
    const router = { models: [{ name: 'coder-big', baseUrl: big.baseUrl }] };
    const named = await chooseModel(
      { baseUrl: small.baseUrl, model: 'coder-small' },
      settings(router),
    );
    expect(named.router).toBeUndefined();
    expect(named.model.modelId).toBe('coder-small');
    const fromEnvironment = await chooseModel(
      {},
      settings(router, {
        env: { OUTPOST_HOME: home, OUTPOST_BASE_URL: small.baseUrl, OUTPOST_MODEL: 'coder-small' },
      }),
    );
    expect(fromEnvironment.router).toBeUndefined();
  });

  it('starts a server that does not answer as down, and says so', async () => {
    await big.close();
    const choice = await chooseModel(
      {},
      settings({
        models: [
          { name: 'coder-big', baseUrl: big.baseUrl },
          { name: 'coder-small', baseUrl: small.baseUrl },
        ],
      }),
    );
    expect(choice.model.modelId).toBe('coder-small');
    expect(choice.note).toBe(
      'Routing between coder-big, coder-small (policy any). Not answering now: coder-big ' +
        `(No model server is reachable at ${big.baseUrl} (connection refused)).`,
    );
    const [down] = choice.router?.candidates ?? [];
    expect(down && choice.router?.unavailable(down)).toContain('connection refused');
  });

  it('local-only leaves a remote model out before asking it anything', async () => {
    const choice = await chooseModel(
      {},
      settings(
        {
          models: [
            { name: 'cloud', baseUrl: 'https://models.example.com/v1', roles: ['coder'] },
            { name: 'coder-small', baseUrl: small.baseUrl },
          ],
        },
        { offline: true, policy: { policy: 'local-only', source: '.outpost/settings.json' } },
      ),
    );
    expect(choice.router?.candidates.map((candidate) => candidate.name)).toEqual(['coder-small']);
    expect(choice.router?.policy).toBe('local-only');
    expect(choice.note).toContain(
      'Left out as remote (local-only, from .outpost/settings.json): cloud (https://models.example.com/v1).',
    );
  });

  it('fails with every reason when no configured model can be used', async () => {
    const failed = chooseModel(
      {},
      settings(
        { models: [{ name: 'cloud', baseUrl: 'https://models.example.com/v1' }] },
        {
          offline: true,
          policy: { policy: 'local-only', source: '--offline' },
        },
      ),
    );
    await expect(failed).rejects.toThrow(ConfigError);
    await expect(failed).rejects.toThrow(
      /^None of the router's models can be used now\. Left out as remote \(local-only, from --offline\): cloud/,
    );
  });
});

describe('a local-only project', () => {
  it('refuses a remote server named for one model, naming the setting', () => {
    const local = settings(undefined, {
      offline: true,
      policy: { policy: 'local-only', source: '.outpost/settings.json' },
    });
    expect(() => assertAllowedByPolicy('https://models.example.com/v1', local)).toThrow(
      'This project is local-only (.outpost/settings.json), so its code is not sent to the model ' +
        'server at https://models.example.com/v1. Use a model on this machine: a GGUF file, or a ' +
        'server on localhost.',
    );
    expect(() => assertAllowedByPolicy(small.baseUrl, local)).not.toThrow();
    expect(() =>
      assertAllowedByPolicy('https://models.example.com/v1', settings(undefined)),
    ).not.toThrow();
  });
});
