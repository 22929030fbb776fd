import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../events/event-bus.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import { createDefaultTools } from '../tool/default-tools.js';
import type { AgentEvent } from './agent-event.js';
import { createAgent } from './agent-loop.js';
import { createNonInteractiveApprovalPrompt } from './approval-policy.js';
import { ELIDED_OUTPUT, countRequestTokens, outputReserve } from './context-budget.js';
import { conversationFromEvents } from './conversation.js';

let projectRoot: string;
let dataDirectory: string;
let store: Store;

beforeEach(() => {
  projectRoot = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-context-project-')));
  dataDirectory = mkdtempSync(join(tmpdir(), 'outpost-context-store-'));
  // Two files of about 900 tokens each (the fake model counts 4 characters a token).
  writeFileSync(join(projectRoot, 'one.txt'), `${'first file line\n'.repeat(225)}`);
  writeFileSync(join(projectRoot, 'two.txt'), `${'second file ln\n'.repeat(240)}`);
  store = openStore({ path: join(dataDirectory, 'o.db'), keyHex: randomBytes(32).toString('hex') });
});

afterEach(() => {
  store.close();
  rmSync(projectRoot, { recursive: true, force: true });
  rmSync(dataDirectory, { recursive: true, force: true });
});

function runAgent(model: FakeLanguageModel, userMessage: string) {
  const tools = createDefaultTools().filter((tool) => tool.name === 'read_file');
  const agent = createAgent({
    model,
    tools,
    sessions: store.sessions,
    events: createEventBus<AgentEvent>(),
    approval: { policy: 'full-auto', prompt: createNonInteractiveApprovalPrompt('full-auto') },
    projectRoot,
    systemPrompt: 'You are a test agent.',
    maxSteps: 10,
  });
  const session = store.sessions.create({
    title: 't',
    projectRoot,
    provider: model.provider,
    model: model.modelId,
  });
  return { session, done: agent.run({ sessionId: session.id, userMessage }) };
}

describe('context truth', () => {
  it('counts the whole request: messages, tool calls and tool specs', async () => {
    const model = new FakeLanguageModel();
    const bare = await countRequestTokens(model, [{ role: 'user', content: 'x'.repeat(400) }], []);
    const withTool = await countRequestTokens(
      model,
      [{ role: 'user', content: 'x'.repeat(400) }],
      [{ name: 'read_file', description: 'd'.repeat(400), inputSchema: { type: 'object' } }],
    );
    expect(bare).toBeGreaterThanOrEqual(100);
    expect(withTool - bare).toBeGreaterThanOrEqual(100);
    expect(outputReserve(2048)).toBe(512);
    expect(outputReserve(131_072)).toBe(4096);
  });

  it('elides the oldest tool output when the next request would not fit, and records it', async () => {
    const model = new FakeLanguageModel({ contextWindow: 2600 }).push(
      reply().toolCall('read_file', { path: 'one.txt' }, 'c1'),
      reply().toolCall('read_file', { path: 'two.txt' }, 'c2'),
      reply().text('Both files read.'),
    );
    const { session, done } = runAgent(model, 'Read one.txt and two.txt.');
    const result = await done;
    expect(result.outcome).toBe('completed');

    const events = store.sessions.events(session.id).map((event) => event.data);
    const compacted = events.find((event) => event.type === 'context-compacted');
    expect(compacted).toMatchObject({ contextWindow: 2600, elidedToolCallIds: ['c1'] });
    if (compacted?.type !== 'context-compacted') throw new Error('no compaction');
    expect(compacted.tokensAfter).toBeLessThan(compacted.tokensBefore);
    expect(compacted.tokensAfter).toBeLessThanOrEqual(2600 - outputReserve(2600));

    const third = model.calls[2]?.messages ?? [];
    const outputs = third.flatMap((message) =>
      message.role === 'tool' ? [[message.toolCallId, message.content] as const] : [],
    );
    expect(outputs[0]).toEqual(['c1', ELIDED_OUTPUT]);
    expect(outputs[1]?.[1]).toContain('second file ln');
    // A resumed session sends what the model last saw.
    const replayed = conversationFromEvents(store.sessions.events(session.id));
    expect(replayed.find((m) => m.role === 'tool' && m.toolCallId === 'c1')?.content).toBe(
      ELIDED_OUTPUT,
    );
  });

  it('stops with a clear message, without calling the model, when even compaction cannot fit', async () => {
    const model = new FakeLanguageModel({ contextWindow: 1000 }).push(reply().text('never sent'));
    const { session, done } = runAgent(model, `Summarise this: ${'word '.repeat(1000)}`);
    const result = await done;
    expect(result.outcome).toBe('failed');
    expect(result.error?.kind).toBe('context');
    expect(result.error?.message).toMatch(
      /needs about [\d,]+ tokens, more than the 750 that fit the model's 1,000-token context window/,
    );
    expect(model.calls).toHaveLength(0);
    const last = store.sessions.events(session.id).at(-1)?.data;
    expect(last).toMatchObject({ type: 'error', kind: 'context' });
    expect(store.sessions.get(session.id)?.status).toBe('failed');
  });

  it('sends the request untouched when the window is unknown', async () => {
    const model = new FakeLanguageModel().push(reply().text('ok'));
    const { done } = runAgent(model, `Summarise this: ${'word '.repeat(1000)}`);
    expect((await done).outcome).toBe('completed');
  });
});
