import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanguageModel, RouteEvent, SessionEventData } from '@outpost/protocol';
import { FakeLanguageModel, reply, startFakeLlmServer } from '@outpost/test-kit';
import type { FakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterPolicy } from '../config/router-config.js';
import { createEventBus } from '../events/event-bus.js';
import { createModelRouter } from '../model/router/model-router.js';
import type { ModelRouter } from '../model/router/model-router.js';
import { localityOf } from '../model/router/route-candidate.js';
import type { RouteCandidate } from '../model/router/route-candidate.js';
import { createOpenAiCompatibleModel } from '../model/openai-compatible/openai-compatible-model.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import { createDefaultTools } from '../tool/default-tools.js';
import type { AgentEvent } from './agent-event.js';
import { createAgent } from './agent-loop.js';
import { createNonInteractiveApprovalPrompt } from './approval-policy.js';

let projectRoot: string;
let dataDirectory: string;
let store: Store;
const servers: FakeLlmServer[] = [];

beforeEach(() => {
  projectRoot = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-route-project-')));
  dataDirectory = mkdtempSync(join(tmpdir(), 'outpost-route-store-'));
  writeFileSync(join(projectRoot, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  store = openStore({
    path: join(dataDirectory, 'outpost.db'),
    keyHex: randomBytes(32).toString('hex'),
  });
});

afterEach(async () => {
  store.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  rmSync(projectRoot, { recursive: true, force: true });
  rmSync(dataDirectory, { recursive: true, force: true });
});

async function server(name: string, contextWindow: number): Promise<FakeLlmServer> {
  const started = await startFakeLlmServer({ models: [name], contextWindow });
  servers.push(started);
  return started;
}

/** A real adapter for a fake server, retrying at once (no backoff waits in tests). */
function candidateFor(
  fake: FakeLlmServer,
  name: string,
  options: { location?: string; fetch?: typeof fetch; contextWindow?: number } = {},
): RouteCandidate {
  const location = options.location ?? fake.baseUrl;
  const model: LanguageModel = createOpenAiCompatibleModel({
    baseUrl: location,
    model: name,
    sleep: () => Promise.resolve(),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    name,
    model,
    location,
    locality: localityOf(location),
    toolProtocol: 'native',
    contextWindow: options.contextWindow,
    tokensPerSecond: undefined,
    roles: [],
  };
}

function setup(router: ModelRouter) {
  const events = createEventBus<AgentEvent>();
  const seen: AgentEvent[] = [];
  events.subscribe((event) => seen.push(event));
  const first = router.candidates[0]?.model;
  if (first === undefined) throw new Error('the router has no candidate');
  const agent = createAgent({
    model: first,
    router,
    tools: createDefaultTools(),
    sessions: store.sessions,
    events,
    approval: { policy: 'full-auto', prompt: createNonInteractiveApprovalPrompt('full-auto') },
    projectRoot,
    systemPrompt: 'You are a test agent.',
    maxSteps: 10,
  });
  const session = store.sessions.create({
    title: 'fix add',
    projectRoot,
    provider: first.provider,
    model: first.modelId,
  });
  return { agent, session, events, seen };
}

const dataOf = (sessionId: string): SessionEventData[] =>
  store.sessions.events(sessionId).map((event) => event.data);
const routesOf = (sessionId: string): RouteEvent[] =>
  dataOf(sessionId).filter((data): data is RouteEvent => data.type === 'route');

function router(candidates: RouteCandidate[], policy: RouterPolicy = 'local-only'): ModelRouter {
  return createModelRouter({ candidates, policy });
}

describe('routed runs', () => {
  it('goes on with a second local server when the first dies mid-session, and says why', async () => {
    const big = await server('coder-big', 32_768);
    const small = await server('coder-small', 16_384);
    const routing = router([
      candidateFor(big, 'coder-big', { contextWindow: 32_768 }),
      candidateFor(small, 'coder-small', { contextWindow: 16_384 }),
    ]);
    big.push(reply().toolCall('read_file', { path: 'calc.py' }));
    small.push(reply().text('The minus sign is the bug.'));
    const { agent, session, events } = setup(routing);
    // The first server goes away as soon as its tool call has run: the next step finds it gone.
    events.subscribe((event) => {
      if (event.type === 'tool.call-finished') void big.close();
    });

    const result = await agent.run({ sessionId: session.id, userMessage: 'why does add fail?' });

    expect(result.outcome).toBe('completed');
    expect(result.finalText).toBe('The minus sign is the bug.');
    expect(dataOf(session.id).map((data) => data.type)).toEqual([
      'user-message',
      'route',
      'model-call',
      'assistant-message',
      'tool-call',
      'tool-result',
      'model-call',
      'route',
      'model-call',
      'assistant-message',
    ]);
    const [first, fallback] = routesOf(session.id);
    expect(first).toEqual({
      type: 'route',
      step: 0,
      role: 'coder',
      provider: 'openai-compatible',
      model: 'coder-big',
      location: big.baseUrl,
      trigger: 'first',
      reason: 'coder-big: largest context among local models (32,768); native tools',
    });
    expect(fallback).toMatchObject({
      step: 1,
      model: 'coder-small',
      location: small.baseUrl,
      trigger: 'unavailable',
      fallbackFrom: { provider: 'openai-compatible', model: 'coder-big', location: big.baseUrl },
    });
    expect(fallback?.reason).toBe(
      `coder-big stopped answering (No model server is reachable at ${big.baseUrl} ` +
        '(connection refused)); coder-small: the only local model available for coder; ' +
        '16,384-token context, native tools (not answering: coder-big)',
    );
    const calls = dataOf(session.id).filter((data) => data.type === 'model-call');
    expect(calls.map((call) => [call.step, call.model, call.finishReason])).toEqual([
      [0, 'coder-big', 'tool-calls'],
      [1, 'coder-big', 'error'],
      [1, 'coder-small', 'stop'],
    ]);
    // The same step went to the second server: the whole conversation so far, tool result included.
    const body = small.chatRequests[0]?.body as { messages: { role: string }[] };
    expect(body.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);
  });

  it('never sends a call again once its output was shown', async () => {
    const big = await server('coder-big', 32_768);
    const small = await server('coder-small', 16_384);
    const routing = router([
      candidateFor(big, 'coder-big', { contextWindow: 32_768 }),
      candidateFor(small, 'coder-small', { contextWindow: 16_384 }),
    ]);
    big.push(reply().text('The problem is the minus sign, so').dieAfter(3));
    const { agent, session } = setup(routing);

    const result = await agent.run({ sessionId: session.id, userMessage: 'why does add fail?' });

    expect(result.outcome).toBe('failed');
    expect(result.error?.message).toMatch(/broke after the response started/);
    expect(small.requests).toEqual([]);
    expect(routesOf(session.id).map((route) => route.trigger)).toEqual(['first']);
  });

  it('fails naming every model tried when none is left', async () => {
    const big = await server('coder-big', 32_768);
    const small = await server('coder-small', 16_384);
    const routing = router([
      candidateFor(big, 'coder-big', { contextWindow: 32_768 }),
      candidateFor(small, 'coder-small', { contextWindow: 16_384 }),
    ]);
    await big.close();
    await small.close();
    const { agent, session } = setup(routing);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('failed');
    expect(result.error?.message).toBe(
      `coder-small stopped answering (No model server is reachable at ${small.baseUrl} ` +
        '(connection refused)). No model is left for the coder role: coder-big is not answering ' +
        `(No model server is reachable at ${big.baseUrl} (connection refused)); coder-small is ` +
        `not answering (No model server is reachable at ${small.baseUrl} (connection refused)). ` +
        'Start one of them (or fix the router\'s "models" in the config file), then resume the session.',
    );
    expect(routesOf(session.id).map((route) => [route.model, route.trigger])).toEqual([
      ['coder-big', 'first'],
      ['coder-small', 'unavailable'],
    ]);
    expect(dataOf(session.id).at(-1)).toMatchObject({ type: 'error', kind: 'model' });
  });

  it('local-only never contacts a remote model, even the one preferred for the role', async () => {
    const local = await server('coder-local', 16_384);
    const remoteBackend = await server('cloud-70b', 131_072);
    // A remote-looking URL whose requests really reach a fake server, so any contact would show.
    const reachRemote: typeof fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return fetch(url.replace('https://models.example.com/v1', remoteBackend.baseUrl), init);
    };
    const remote = {
      ...candidateFor(remoteBackend, 'cloud-70b', {
        location: 'https://models.example.com/v1',
        fetch: reachRemote,
        contextWindow: 131_072,
      }),
      roles: ['coder'],
    };
    const candidates = [remote, candidateFor(local, 'coder-local', { contextWindow: 16_384 })];

    local.push(reply().text('Local answer.'));
    const localOnly = setup(router(candidates, 'local-only'));
    const kept = await localOnly.agent.run({ sessionId: localOnly.session.id, userMessage: 'hi' });
    expect(kept.finalText).toBe('Local answer.');
    expect(remoteBackend.requests).toEqual([]);
    expect(routesOf(localOnly.session.id)[0]?.reason).toContain(
      'remote models left out by the local-only policy',
    );

    // Under `any` the same setup does reach it: the check above could have failed.
    remoteBackend.push(reply().text('Remote answer.'));
    const open = setup(router(candidates, 'any'));
    const reached = await open.agent.run({ sessionId: open.session.id, userMessage: 'hi' });
    expect(reached.finalText).toBe('Remote answer.');
    expect(remoteBackend.chatRequests).toHaveLength(1);
  });

  it('moves to a model with a larger window when the conversation outgrows the first', async () => {
    const tiny = await server('coder-tiny', 512);
    const wide = await server('coder-wide', 32_768);
    const routing = router([
      // Preferred for the role, so it is the first pick despite its window.
      { ...candidateFor(tiny, 'coder-tiny', { contextWindow: 512 }), roles: ['coder'] },
      candidateFor(wide, 'coder-wide', { contextWindow: 32_768 }),
    ]);
    wide.push(reply().text('Read it all.'));
    const { agent, session } = setup(routing);

    const result = await agent.run({ sessionId: session.id, userMessage: 'x'.repeat(4000) });

    expect(result.outcome).toBe('completed');
    expect(tiny.chatRequests).toEqual([]);
    const routes = routesOf(session.id);
    expect(routes.map((route) => [route.step, route.model, route.trigger])).toEqual([
      [0, 'coder-tiny', 'first'],
      [0, 'coder-wide', 'context'],
    ]);
    expect(routes[1]?.reason).toMatch(
      /^the conversation needs about [\d,]+ tokens, more than coder-tiny's 512-token window holds; coder-wide: the only local model available for coder; 32,768-token context, native tools$/,
    );
  });

  it('goes back to the better model once its cool-off has ended', async () => {
    let now = 0;
    const fake = (modelId: string): RouteCandidate => ({
      name: modelId,
      model: new FakeLanguageModel({ modelId }),
      location: 'in-process',
      locality: 'local',
      toolProtocol: 'native',
      contextWindow: modelId === 'better' ? 32_768 : 8192,
      tokensPerSecond: undefined,
      roles: [],
    });
    const [better, backup] = [fake('better'), fake('backup')];
    (better.model as FakeLanguageModel).push(
      reply().httpError(503, 'Loading model'),
      reply().text('Back and done.'),
    );
    (backup.model as FakeLanguageModel).push(reply().toolCall('read_file', { path: 'calc.py' }));
    const routing = createModelRouter({
      candidates: [better, backup],
      policy: 'local-only',
      coolOffMs: 60_000,
      now: () => now,
    });
    const { agent, session, events } = setup(routing);
    events.subscribe((event) => {
      if (event.type === 'tool.call-finished') now += 60_000;
    });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.finalText).toBe('Back and done.');
    expect(routesOf(session.id).map((route) => [route.step, route.model, route.trigger])).toEqual([
      [0, 'better', 'first'],
      [0, 'backup', 'unavailable'],
      [1, 'better', 'cool-off-ended'],
    ]);
    expect(routesOf(session.id)[2]?.reason).toBe(
      'better: largest context among local models (32,768); native tools ' +
        '(tried again after its cool-off)',
    );
  });

  it('records nothing new when a resumed run picks the same model, and a role change when it changes', async () => {
    const big = await server('coder-big', 32_768);
    const small = await server('coder-small', 16_384);
    const routing = router([
      candidateFor(big, 'coder-big', { contextWindow: 32_768 }),
      { ...candidateFor(small, 'coder-small', { contextWindow: 16_384 }), roles: ['reviewer'] },
    ]);
    big.push('First.', 'Second.');
    small.push('Looks right.');
    const { agent, session } = setup(routing);

    await agent.run({ sessionId: session.id, userMessage: 'one' });
    await agent.run({ sessionId: session.id, userMessage: 'two' });
    await agent.run({ sessionId: session.id, userMessage: 'review it', role: 'reviewer' });

    expect(routesOf(session.id).map((route) => [route.model, route.role, route.trigger])).toEqual([
      ['coder-big', 'coder', 'first'],
      ['coder-small', 'reviewer', 'role'],
    ]);
    expect(routesOf(session.id)[1]?.reason).toBe(
      'coder-small: preferred for reviewer; 16,384-token context, native tools',
    );
  });
});
