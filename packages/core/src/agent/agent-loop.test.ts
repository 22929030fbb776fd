import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEventData } from '@outpost/protocol';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../events/event-bus.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import { createDefaultTools } from '../tool/default-tools.js';
import type { AgentEvent } from './agent-event.js';
import { createAgent } from './agent-loop.js';
import type { AgentOptions } from './agent-loop.js';
import { createNonInteractiveApprovalPrompt, toolsForPolicy } from './approval-policy.js';
import { conversationFromEvents } from './conversation.js';

let projectRoot: string;
let dataDirectory: string;
let store: Store;

beforeEach(() => {
  projectRoot = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-agent-project-')));
  dataDirectory = mkdtempSync(join(tmpdir(), 'outpost-agent-store-'));
  execFileSync('git', ['init', '-q'], { cwd: projectRoot });
  writeFileSync(join(projectRoot, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  writeFileSync(
    join(projectRoot, 'test_calc.py'),
    'from calc import add\nassert add(2, 3) == 5, "add is wrong"\nprint("ok")\n',
  );
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
  const policy = overrides.approval?.policy ?? 'full-auto';
  const agent = createAgent({
    model,
    tools: toolsForPolicy(createDefaultTools(), policy),
    sessions: store.sessions,
    events,
    approval: { policy, prompt: createNonInteractiveApprovalPrompt(policy) },
    projectRoot,
    systemPrompt: 'You are a test agent.',
    maxSteps: 10,
    ...overrides,
  });
  const session = store.sessions.create({
    title: 'fix add',
    projectRoot,
    provider: model.provider,
    model: model.modelId,
  });
  return { agent, session, seen };
}

const types = (sessionId: string) =>
  store.sessions.events(sessionId).map((event) => event.data.type);
const eventsOf = <Type extends SessionEventData['type']>(sessionId: string, type: Type) =>
  store.sessions
    .events(sessionId)
    .map((event) => event.data)
    .filter((data): data is Extract<SessionEventData, { type: Type }> => data.type === type);

describe('agent loop', () => {
  it('reads, edits, runs the tests and answers; everything is in the store', async () => {
    const model = new FakeLanguageModel().push(
      reply()
        .toolCall('read_file', { path: 'calc.py' })
        .usage({ inputTokens: 100, outputTokens: 10 }),
      reply().text('The operator is wrong.').toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a - b',
        replace: 'return a + b',
      }),
      reply().toolCall('run_command', { command: 'python3 test_calc.py' }),
      reply().text('Fixed add: it subtracted. The test passes.'),
    );
    const { agent, session, seen } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(result.finalText).toBe('Fixed add: it subtracted. The test passes.');
    expect(result.totals.steps).toBe(4);
    expect(readFileSync(join(projectRoot, 'calc.py'), 'utf8')).toContain('return a + b');
    expect(store.sessions.get(session.id)?.status).toBe('completed');

    expect(types(session.id)).toEqual([
      'user-message',
      'model-call',
      'assistant-message',
      'tool-call',
      'tool-result',
      'model-call',
      'assistant-message',
      'tool-call',
      'file-change',
      'tool-result',
      'model-call',
      'assistant-message',
      'tool-call',
      'command-run',
      'tool-result',
      'model-call',
      'assistant-message',
    ]);
    const [change] = eventsOf(session.id, 'file-change');
    expect(change).toMatchObject({ path: 'calc.py', linesAdded: 1, linesRemoved: 1 });
    expect(change?.afterHash).not.toBe(change?.beforeHash);
    const [command] = eventsOf(session.id, 'command-run');
    expect(command).toMatchObject({
      command: 'python3 test_calc.py',
      exitCode: 0,
      timedOut: false,
    });
    expect(command?.outputExcerpt).toContain('ok');
    expect(eventsOf(session.id, 'model-call')[0]).toMatchObject({
      provider: 'fake',
      model: 'fake-model',
      inputTokens: 100,
      outputTokens: 10,
      step: 0,
    });

    // The model saw the file contents and the test output in its next requests.
    const secondRequest = model.calls[1]?.messages ?? [];
    expect(secondRequest.at(-1)).toMatchObject({ role: 'tool', toolName: 'read_file' });
    expect(secondRequest.at(-1)?.content).toContain('return a - b');
    expect(model.calls[3]?.messages.at(-1)?.content).toContain('exit code 0');

    // Events were announced after they were stored, in the same order.
    const announced = seen.flatMap((event) =>
      event.type === 'session.event-recorded' ? [event.event.data.type] : [],
    );
    expect(announced).toEqual(types(session.id));
    expect(seen.at(-1)).toMatchObject({ type: 'run.finished', outcome: 'completed' });
  });

  it('rebuilds from the store exactly the conversation the model was sent', async () => {
    const model = new FakeLanguageModel().push(
      reply().text('Looking.').toolCall('list_files', {}),
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().text('Done.'),
    );
    const { agent, session } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: 'look around' });

    const lastRequest = model.calls.at(-1)?.messages ?? [];
    const rebuilt = conversationFromEvents(store.sessions.events(session.id));
    expect([{ role: 'system', content: 'You are a test agent.' }, ...rebuilt]).toEqual([
      ...lastRequest,
      { role: 'assistant', content: 'Done.', toolCalls: [] },
    ]);
  });

  it('returns bad calls to the model as errors it can act on, and goes on', async () => {
    const model = new FakeLanguageModel().push(
      reply().rawToolCall('read_file', '{"path": "calc.py"'),
      reply().toolCall('delete_everything', {}),
      reply().toolCall('read_file', { path: '../../etc/passwd' }),
      reply().toolCall('edit_file', { path: 'calc.py', search: 'return a * b', replace: 'x' }),
      reply().toolCall('read_file', { line: 3 }),
      reply().text('I could not do it.'),
    );
    const { agent, session } = setup(model);
    const result = await agent.run({ sessionId: session.id, userMessage: 'try things' });

    expect(result.outcome).toBe('completed');
    const results = eventsOf(session.id, 'tool-result');
    expect(results.map((event) => [event.ok, event.errorKind])).toEqual([
      [false, 'invalid-arguments'],
      [false, 'unknown-tool'],
      [false, 'outside-project'],
      [false, 'no-match'],
      [false, 'invalid-arguments'],
    ]);
    const toolReplies = model.calls.slice(1).map((call) => call.messages.at(-1)?.content ?? '');
    expect(toolReplies[0]).toMatch(/not valid JSON.*read_file\(path: string/);
    expect(toolReplies[1]).toContain(
      'There is no tool named "delete_everything". Available tools: read_file',
    );
    expect(toolReplies[2]).toContain('Error (outside-project)');
    expect(toolReplies[3]).toContain('return a - b'); // the closest lines, to copy from
    expect(toolReplies[4]).toContain('Invalid arguments for read_file: path:');
    expect(readFileSync(join(projectRoot, 'calc.py'), 'utf8')).toContain('return a - b');
  });

  it('stops at the step limit and records why', async () => {
    const model = new FakeLanguageModel().respond(() => reply().toolCall('list_files', {}));
    const { agent, session } = setup(model, { maxSteps: 3 });
    const result = await agent.run({ sessionId: session.id, userMessage: 'loop' });

    expect(result.outcome).toBe('step-limit');
    expect(model.calls).toHaveLength(3);
    expect(store.sessions.get(session.id)?.status).toBe('step-limit');
    const errors = eventsOf(session.id, 'error');
    expect(errors.map((event) => event.kind)).toEqual(['step-limit']);
    expect(errors[0]?.message).toContain('after 3 model calls');
  });

  it('keeps everything up to a broken stream, and a resume continues from there', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().text('Now I will edit the file and then').dieAfter(3),
    );
    const { agent, session } = setup(model);
    const failed = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(failed.outcome).toBe('failed');
    expect(failed.error?.message).toBeTruthy();
    expect(store.sessions.get(session.id)?.status).toBe('failed');
    expect(types(session.id)).toEqual([
      'user-message',
      'model-call',
      'assistant-message',
      'tool-call',
      'tool-result',
      'model-call',
      'assistant-message',
      'error',
    ]);
    expect(eventsOf(session.id, 'assistant-message')[1]).toMatchObject({ partial: true });

    model.push(reply().text('The bug is the minus sign.'));
    const resumed = await agent.run({ sessionId: session.id });

    expect(resumed.outcome).toBe('completed');
    const resumedRequest = model.calls.at(-1)?.messages ?? [];
    // The cut-off text is not sent again; the conversation ends with the read_file result.
    expect(resumedRequest.at(-1)).toMatchObject({ role: 'tool', toolName: 'read_file' });
    expect(resumedRequest.some((message) => message.content.includes('Now I will edit'))).toBe(
      false,
    );
    expect(eventsOf(session.id, 'model-call').map((event) => event.step)).toEqual([0, 1, 2]);
  });

  it('cancels cleanly while the model is still thinking', async () => {
    const model = new FakeLanguageModel().push(reply().hang());
    const { agent, session } = setup(model);
    const controller = new AbortController();
    const running = agent.run({
      sessionId: session.id,
      userMessage: 'wait',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    const result = await running;

    expect(result.outcome).toBe('cancelled');
    expect(store.sessions.get(session.id)?.status).toBe('cancelled');
    expect(eventsOf(session.id, 'error')).toEqual([expect.objectContaining({ kind: 'cancelled' })]);
    expect(store.integrityCheck()).toBe('ok');
  });

  it('refuses writes a non-interactive ask run cannot confirm, and tells the model', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('write_file', { path: 'new.txt', content: 'hello' }),
      reply().text('I need permission to write files.'),
    );
    const { agent, session } = setup(model, {
      approval: { policy: 'ask', prompt: createNonInteractiveApprovalPrompt('ask') },
    });
    const result = await agent.run({ sessionId: session.id, userMessage: 'write it' });

    expect(result.outcome).toBe('completed');
    expect(eventsOf(session.id, 'tool-result')[0]).toMatchObject({
      ok: false,
      errorKind: 'not-approved',
    });
    expect(model.calls[1]?.messages.at(-1)?.content).toContain('this run is non-interactive');
    expect(eventsOf(session.id, 'file-change')).toEqual([]);
    expect(() => readFileSync(join(projectRoot, 'new.txt'))).toThrow();
  });

  it('offers no write or command tools under read-only', async () => {
    const model = new FakeLanguageModel().push(reply().text('Read only.'));
    const { agent, session } = setup(model, {
      tools: toolsForPolicy(createDefaultTools(), 'read-only'),
      approval: { policy: 'read-only', prompt: createNonInteractiveApprovalPrompt('read-only') },
    });
    await agent.run({ sessionId: session.id, userMessage: 'look' });
    expect(model.calls[0]?.tools.map((tool) => tool.name)).toEqual([
      'read_file',
      'list_files',
      'search_code',
    ]);
  });

  it('marks the session failed and records why when something unexpected throws', async () => {
    const model = new FakeLanguageModel().push(reply().text('Hello.'));
    const { session } = setup(model);
    const failing = createAgent({
      model,
      tools: [],
      sessions: {
        appendEvent: (id, data) => store.sessions.appendEvent(id, data),
        appendEvents: (id, data) => {
          if (data.some((item) => item.type === 'assistant-message')) throw new Error('disk full');
          return store.sessions.appendEvents(id, data);
        },
        update: (id, fields) => store.sessions.update(id, fields),
        events: (id) => store.sessions.events(id),
      },
      events: createEventBus<AgentEvent>(),
      approval: { policy: 'full-auto', prompt: createNonInteractiveApprovalPrompt('full-auto') },
      projectRoot,
      systemPrompt: 'test',
      maxSteps: 5,
    });

    await expect(failing.run({ sessionId: session.id, userMessage: 'hi' })).rejects.toThrow(
      'disk full',
    );
    expect(store.sessions.get(session.id)?.status).toBe('failed');
    expect(eventsOf(session.id, 'error')).toEqual([
      {
        type: 'error',
        kind: 'internal',
        message: 'Outpost stopped on an unexpected error: disk full',
      },
    ]);
  });
});
