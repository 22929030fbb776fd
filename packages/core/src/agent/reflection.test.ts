import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEventData } from '@outpost/protocol';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../events/event-bus.js';
import { createInMemoryMemoryStore } from '../memory/__fixtures__/in-memory-memory-store.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import { createDefaultTools } from '../tool/default-tools.js';
import { createMemoryTools } from '../tool/memory-tools.js';
import type { AgentEvent } from './agent-event.js';
import { createAgent } from './agent-loop.js';
import type { AgentOptions } from './agent-loop.js';
import { createNonInteractiveApprovalPrompt } from './approval-policy.js';
import { conversationFromEvents } from './conversation.js';
import { MAX_PROPOSALS, REFLECTION_PROMPT } from './reflection.js';

let projectRoot: string;
let dataDirectory: string;
let store: Store;

beforeEach(() => {
  projectRoot = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-reflection-project-')));
  dataDirectory = mkdtempSync(join(tmpdir(), 'outpost-reflection-store-'));
  execFileSync('git', ['init', '-q'], { cwd: projectRoot });
  writeFileSync(join(projectRoot, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  store = openStore({
    path: join(dataDirectory, 'outpost.db'),
    keyHex: randomBytes(32).toString('hex'),
  });
});

afterEach(() => {
  store.close();
  rmSync(projectRoot, { recursive: true, force: true });
  rmSync(dataDirectory, { recursive: true, force: true });
});

function setup(model: FakeLanguageModel, overrides: Partial<AgentOptions> = {}) {
  const events = createEventBus<AgentEvent>();
  const seen: AgentEvent[] = [];
  events.subscribe((event) => seen.push(event));
  const memory = createInMemoryMemoryStore();
  const agent = createAgent({
    model,
    tools: [...createDefaultTools(), ...createMemoryTools({ recall: false })],
    sessions: store.sessions,
    events,
    approval: { policy: 'full-auto', prompt: createNonInteractiveApprovalPrompt('full-auto') },
    projectRoot,
    systemPrompt: 'You are a test agent.',
    maxSteps: 10,
    memory,
    ...overrides,
  });
  const session = store.sessions.create({
    title: 'fix add',
    projectRoot,
    provider: model.provider,
    model: model.modelId,
  });
  return { agent, session, memory, seen };
}

const THE_FIX = [
  reply().toolCall('edit_file', {
    path: 'calc.py',
    search: 'return a - b',
    replace: 'return a + b',
  }),
  reply().text('Fixed add().'),
];

const FIX_RECORD = {
  kind: 'fix',
  title: 'add() must add',
  body: 'test_calc.py failed because add returned a - b; it returns a + b now.',
  paths: ['calc.py'],
};

const dataOf = (sessionId: string) => store.sessions.events(sessionId).map((event) => event.data);
const reflectionOf = (sessionId: string) =>
  dataOf(sessionId).find(
    (data): data is Extract<SessionEventData, { type: 'reflection' }> => data.type === 'reflection',
  );

describe('reflection', () => {
  it('asks with the session prefix, proposes what the model remembers, and records it apart from the conversation', async () => {
    const model = new FakeLanguageModel().push(
      ...THE_FIX,
      reply().toolCall('remember', FIX_RECORD).usage({ inputTokens: 900, outputTokens: 40 }),
    );
    const { agent, session, memory, seen } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: 'fix add' });
    const conversationBefore = conversationFromEvents(store.sessions.events(session.id));

    const result = await agent.reflect({ sessionId: session.id });

    expect(result.proposed).toHaveLength(1);
    expect(result.proposed[0]).toMatchObject({ ...FIX_RECORD, status: 'proposed' });
    expect(result.proposed[0]?.provenance).toMatchObject({
      session: session.id,
      model: 'fake/fake-model',
    });
    expect(memory.list()).toHaveLength(1);
    // The same prefix as the last step of the run (system, tools, conversation), one message more.
    const [, lastRunRequest, reflectionRequest] = model.calls;
    expect(reflectionRequest?.tools).toEqual(lastRunRequest?.tools);
    expect(reflectionRequest?.messages.slice(0, -1)).toEqual([
      ...(lastRunRequest?.messages ?? []),
      { role: 'assistant', content: 'Fixed add().', toolCalls: [] },
    ]);
    expect(reflectionRequest?.messages.at(-1)).toEqual({
      role: 'user',
      content: REFLECTION_PROMPT,
    });
    expect(dataOf(session.id).slice(-2)).toEqual([
      expect.objectContaining({ type: 'model-call', step: 2, inputTokens: 900 }),
      {
        type: 'reflection',
        step: 2,
        proposed: [{ recordId: result.proposed[0]?.id, kind: 'fix', title: 'add() must add' }],
        dropped: [],
      },
    ]);
    expect(seen).toContainEqual({ type: 'reflection.started', sessionId: session.id, step: 2 });
    // A resume sends the conversation as it was: the reflection is not part of it.
    expect(conversationFromEvents(store.sessions.events(session.id))).toEqual(conversationBefore);
  });

  it('drops other tools, bad arguments, duplicates and proposals past the limit, each with a note', async () => {
    const model = new FakeLanguageModel().push(
      ...THE_FIX,
      reply()
        .toolCall('read_file', { path: 'calc.py' })
        .toolCall('remember', { kind: 'idea', title: 'T', body: 'B' })
        .rawToolCall('remember', '{"kind": "fix", "title": ')
        .toolCall('remember', { ...FIX_RECORD, paths: ['../outside.py'] })
        .toolCall('remember', { kind: 'decision', title: 'Old news', body: 'Known.' })
        .toolCall('remember', { kind: 'fact', title: 'One', body: 'First.' })
        .toolCall('remember', { kind: 'fact', title: 'Two', body: 'Second.' })
        .toolCall('remember', { kind: 'fact', title: 'Three', body: 'Third.' })
        .toolCall('remember', { kind: 'fact', title: 'Four', body: 'Fourth.' }),
    );
    const { agent, session, memory } = setup(model);
    memory.add({ kind: 'decision', title: 'Old news', body: 'Known.', status: 'accepted' });
    await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    const result = await agent.reflect({ sessionId: session.id });

    expect(result.proposed.map((record) => record.title)).toEqual(['One', 'Two', 'Three']);
    expect(MAX_PROPOSALS).toBe(3);
    expect(result.dropped).toEqual([
      'A call to read_file: only remember calls are taken when reflecting.',
      expect.stringMatching(/^Invalid arguments for remember: kind: /),
      expect.stringMatching(/^The arguments of remember are not valid JSON/),
      expect.stringMatching(/outside the project/),
      'Already remembered: "Old news".',
      'A call to remember left out: at most 3 proposals are taken.',
    ]);
    expect(reflectionOf(session.id)?.dropped).toHaveLength(6);
    expect(memory.list({ statuses: ['proposed'] })).toHaveLength(3);
  });

  it('takes proposals written as JSON text, and a plain answer proposes nothing', async () => {
    const model = new FakeLanguageModel().push(
      ...THE_FIX,
      reply().text('```json\n[' + JSON.stringify(FIX_RECORD) + ', {"title": "no kind"}]\n```'),
      reply().toolCall('write_file', { path: 'notes.txt', content: 'x' }),
      reply().text('Done.'),
      reply().text('Nothing to remember.'),
    );
    const { agent, session, memory } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: 'fix add' });
    const fromJson = await agent.reflect({ sessionId: session.id });
    expect(fromJson.proposed.map((record) => record.title)).toEqual(['add() must add']);
    expect(fromJson.dropped).toEqual([expect.stringMatching(/^Invalid arguments for remember/)]);

    await agent.run({ sessionId: session.id, userMessage: 'write notes' });
    const nothing = await agent.reflect({ sessionId: session.id });
    expect(nothing).toEqual({ proposed: [], dropped: [] });
    expect(reflectionOf(session.id)).toBeDefined();
    expect(memory.list()).toHaveLength(1);
  });

  it('makes no model call without a change since the last reflection, or without memory', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().text('It subtracts.'),
    );
    const { agent, session } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: 'what does add do?' });
    expect(await agent.reflect({ sessionId: session.id })).toEqual({
      proposed: [],
      dropped: [],
      skipped: 'no-changes',
    });

    const other = new FakeLanguageModel().push(...THE_FIX);
    const withoutMemory = setup(other, { memory: undefined });
    await withoutMemory.agent.run({ sessionId: withoutMemory.session.id, userMessage: 'fix add' });
    expect(await withoutMemory.agent.reflect({ sessionId: withoutMemory.session.id })).toEqual({
      proposed: [],
      dropped: [],
      skipped: 'no-memory',
    });
    expect(model.calls).toHaveLength(2);
    expect(other.calls).toHaveLength(2);
  });

  it('records a failed model call and proposes nothing', async () => {
    const model = new FakeLanguageModel().push(
      ...THE_FIX,
      reply().httpError(400, 'Bad request: something odd'),
    );
    const { agent, session, memory } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: 'fix add' });
    const result = await agent.reflect({ sessionId: session.id });
    expect(result.proposed).toEqual([]);
    expect(result.error).toMatch(/something odd/);
    expect(reflectionOf(session.id)).toMatchObject({ proposed: [], error: result.error });
    expect(memory.list()).toEqual([]);
    // The session still ended with its answer; the run's outcome is not the reflection's.
    expect(store.sessions.get(session.id)?.status).toBe('completed');
  });
});
