import { FakeLanguageModel } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { createModelRouter } from './model-router.js';
import type { RouteChoice } from './model-router.js';
import { localityOf } from './route-candidate.js';
import type { RouteCandidate } from './route-candidate.js';

function candidate(
  name: string,
  facts: Partial<Omit<RouteCandidate, 'name' | 'model'>> = {},
): RouteCandidate {
  const location = facts.location ?? 'http://127.0.0.1:8080/v1';
  return {
    name,
    model: new FakeLanguageModel({ modelId: name }),
    location,
    locality: localityOf(location),
    toolProtocol: 'native',
    contextWindow: 8192,
    tokensPerSecond: undefined,
    roles: [],
    ...facts,
  };
}

const coder = { role: 'coder', needs: { tools: true } };

function picked(choice: RouteChoice): string {
  if (!choice.found) throw new Error(`nothing picked: ${choice.message}`);
  return choice.candidate.name;
}

function reasonOf(choice: RouteChoice): string {
  if (!choice.found) throw new Error(`nothing picked: ${choice.message}`);
  return choice.reason;
}

describe('model router: capability', () => {
  it('picks the largest context among local models and says so, with its other facts', () => {
    const router = createModelRouter({
      policy: 'any',
      candidates: [
        candidate('small-3b', { contextWindow: 8192, tokensPerSecond: 40 }),
        candidate('coder-7b', { contextWindow: 32_768, tokensPerSecond: 21 }),
      ],
    });
    const choice = router.choose(coder);
    expect(picked(choice)).toBe('coder-7b');
    expect(reasonOf(choice)).toBe(
      'coder-7b: largest context among local models (32,768); native tools, 21 tok/s',
    );
  });

  it('prefers structured tool calls over text when the step offers tools, not otherwise', () => {
    const router = createModelRouter({
      policy: 'any',
      candidates: [
        candidate('texty', { toolProtocol: 'text', contextWindow: 65_536 }),
        candidate('gbnf', { toolProtocol: 'constrained', contextWindow: 8192 }),
      ],
    });
    const withTools = router.choose(coder);
    expect(picked(withTools)).toBe('gbnf');
    expect(reasonOf(withTools)).toBe(
      'gbnf: constrained tool calls, where the next has only text; 8,192-token context',
    );
    expect(picked(router.choose({ role: 'coder', needs: { tools: false } }))).toBe('texty');
  });

  it('breaks a tie on context by measured speed, then by the config order', () => {
    const measured = createModelRouter({
      policy: 'any',
      candidates: [
        candidate('slow', { tokensPerSecond: 5 }),
        candidate('fast', { tokensPerSecond: 30 }),
      ],
    });
    expect(reasonOf(measured.choose(coder))).toBe(
      'fast: fastest measured among local models (30 tok/s); 8,192-token context, native tools',
    );
    const equal = createModelRouter({
      policy: 'any',
      candidates: [candidate('first'), candidate('second')],
    });
    expect(reasonOf(equal.choose(coder))).toBe(
      'first: listed first in the router config among equals; 8,192-token context, native tools',
    );
  });

  it('leaves out a model whose known window is smaller than the step needs', () => {
    const router = createModelRouter({
      policy: 'any',
      candidates: [
        candidate('big-unknown', { contextWindow: undefined }),
        candidate('small', { contextWindow: 8192 }),
        candidate('large', { contextWindow: 16_384 }),
      ],
    });
    expect(
      picked(router.choose({ role: 'coder', needs: { tools: true, minContext: 12_000 } })),
    ).toBe('large');
    expect(
      picked(router.choose({ role: 'coder', needs: { tools: true, minContext: 20_000 } })),
    ).toBe('big-unknown');
  });

  it('is deterministic: the same facts in any call order give the same pick', () => {
    const candidates = [
      candidate('a', { contextWindow: 16_384, tokensPerSecond: 10 }),
      candidate('b', { contextWindow: 16_384, tokensPerSecond: 10 }),
      candidate('c', { contextWindow: 4096, tokensPerSecond: 90 }),
    ];
    const router = createModelRouter({ policy: 'any', candidates });
    const first = router.choose(coder);
    for (let index = 0; index < 5; index++) expect(router.choose(coder)).toEqual(first);
    expect(picked(first)).toBe('a');
  });
});

describe('model router: roles', () => {
  const candidates = [
    candidate('general-7b', { contextWindow: 32_768 }),
    candidate('explorer-1b', { contextWindow: 8192, roles: ['explorer'] }),
    candidate('reviewer-14b', { contextWindow: 65_536, roles: ['reviewer'] }),
  ];
  const router = createModelRouter({ policy: 'any', candidates });

  it('prefers a model listed for the role over a better general one', () => {
    const choice = router.choose({ role: 'explorer', needs: { tools: true } });
    expect(picked(choice)).toBe('explorer-1b');
    expect(reasonOf(choice)).toBe(
      'explorer-1b: preferred for explorer; 8,192-token context, native tools',
    );
  });

  it('gives a role nobody prefers a general model before one preferred for another role', () => {
    const choice = router.choose({ role: 'planner', needs: { tools: true } });
    expect(picked(choice)).toBe('general-7b');
    expect(reasonOf(choice)).toBe(
      'general-7b: serves every role; 32,768-token context, native tools',
    );
  });

  it('uses a model preferred for another role as the last resort', () => {
    const generalDown = createModelRouter({ policy: 'any', candidates: candidates.slice(1) });
    expect(picked(generalDown.choose({ role: 'planner', needs: { tools: true } }))).toBe(
      'reviewer-14b',
    );
  });
});

describe('model router: policy', () => {
  const remote = candidate('cloud-70b', {
    location: 'https://models.example.com/v1',
    contextWindow: 131_072,
    roles: ['coder'],
  });
  const local = candidate('coder-7b', { location: 'in-process', contextWindow: 8192 });

  it('local-only never considers a remote model, and says it left them out', () => {
    const router = createModelRouter({ policy: 'local-only', candidates: [remote, local] });
    expect(router.candidates).toEqual([local]);
    const choice = router.choose(coder);
    expect(picked(choice)).toBe('coder-7b');
    expect(reasonOf(choice)).toBe(
      'coder-7b: the only local model available for coder; 8,192-token context, native tools ' +
        '(remote models left out by the local-only policy)',
    );
  });

  it('any puts local models first within a role tier, and uses a remote one by preference', () => {
    const router = createModelRouter({ policy: 'any', candidates: [remote, local] });
    expect(picked(router.choose(coder))).toBe('cloud-70b');
    expect(picked(router.choose({ role: 'planner', needs: { tools: true } }))).toBe('coder-7b');
    const bothGeneral = createModelRouter({
      policy: 'any',
      candidates: [{ ...remote, roles: [] }, local],
    });
    expect(reasonOf(bothGeneral.choose(coder))).toBe(
      'coder-7b: runs on this machine, before remote models; 8,192-token context, native tools',
    );
  });

  it('tells loopback, in-process and other hosts apart without a lookup', () => {
    expect(localityOf('in-process')).toBe('local');
    expect(localityOf('http://127.0.0.1:8080/v1')).toBe('local');
    expect(localityOf('http://localhost:11434')).toBe('local');
    expect(localityOf('http://[::1]:1234/v1')).toBe('local');
    expect(localityOf('http://192.168.1.20:8080/v1')).toBe('remote');
    expect(localityOf('https://models.example.com/v1')).toBe('remote');
  });
});

describe('model router: availability', () => {
  it('leaves a model that stopped answering out for its cool-off, then tries it again', () => {
    let now = 1_000;
    const best = candidate('coder-7b', { contextWindow: 32_768 });
    const backup = candidate('coder-3b', { contextWindow: 16_384 });
    const router = createModelRouter({
      policy: 'any',
      candidates: [best, backup],
      coolOffMs: 60_000,
      now: () => now,
    });
    router.markDown(best, 'connection refused');
    const fallback = router.choose(coder);
    expect(picked(fallback)).toBe('coder-3b');
    expect(reasonOf(fallback)).toBe(
      'coder-3b: the only local model available for coder; 16,384-token context, native tools ' +
        '(not answering: coder-7b)',
    );
    now += 59_999;
    expect(picked(router.choose(coder))).toBe('coder-3b');
    now += 1;
    const again = router.choose(coder);
    expect(picked(again)).toBe('coder-7b');
    expect(again.found && again.afterCoolOff).toBe(true);
    expect(reasonOf(again)).toContain('(tried again after its cool-off)');
    const settled = router.choose(coder);
    expect(settled.found && settled.afterCoolOff).toBe(false);
  });

  it('names every model and why it is out when none is left', () => {
    const remote = candidate('cloud', { location: 'https://models.example.com/v1' });
    const small = candidate('tiny', { contextWindow: 4096 });
    const down = candidate('coder-7b');
    const router = createModelRouter({ policy: 'local-only', candidates: [remote, small, down] });
    router.markDown(
      down,
      'No model server is reachable at http://127.0.0.1:8080/v1 (connection refused)',
    );
    const choice = router.choose({ role: 'coder', needs: { tools: true, minContext: 6000 } });
    expect(choice).toEqual({
      found: false,
      message:
        'No model is left for the coder role: cloud is remote (local-only); tiny has a 4,096-token ' +
        'window, too small for 6,000; coder-7b is not answering (No model server is reachable at ' +
        "http://127.0.0.1:8080/v1 (connection refused)). Start one of them (or fix the router's " +
        '"models" in the config file), then resume the session.',
    });
  });

  it('labels two models of the same name by where they run', () => {
    const a = candidate('fake-model', { location: 'http://127.0.0.1:5001/v1' });
    const b = candidate('fake-model', { location: 'http://127.0.0.1:5002/v1' });
    const router = createModelRouter({ policy: 'any', candidates: [a, b] });
    router.markDown(a, 'connection refused');
    expect(reasonOf(router.choose(coder))).toMatch(
      /^fake-model \(http:\/\/127\.0\.0\.1:5002\/v1\): .*\(not answering: fake-model \(http:\/\/127\.0\.0\.1:5001\/v1\)\)$/,
    );
  });
});
