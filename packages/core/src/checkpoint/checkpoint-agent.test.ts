import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointEvent, SessionEventData } from '@outpost/protocol';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.js';
import { createAgent } from '../agent/agent-loop.js';
import type { AgentOptions } from '../agent/agent-loop.js';
import { createNonInteractiveApprovalPrompt, toolsForPolicy } from '../agent/approval-policy.js';
import type { ApprovalPolicy } from '../config/outpost-config.js';
import { createEventBus } from '../events/event-bus.js';
import { openStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import { createDefaultTools } from '../tool/default-tools.js';
import { git, manifest, repositoryState } from './__fixtures__/project-tree.js';
import { createCheckpoints } from './checkpoints.js';
import { sessionCheckpointOf } from './session-checkpoints.js';

let base: string;
let projectRoot: string;
let store: Store;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-checkpoint-agent-')));
  projectRoot = join(base, 'project');
  git(base, 'init', '-q', projectRoot);
  writeFileSync(join(projectRoot, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  git(projectRoot, 'add', '.');
  git(projectRoot, 'commit', '-qm', 'initial');
  writeFileSync(join(projectRoot, 'notes.txt'), 'untracked, not ignored\n');
  store = openStore({ path: join(base, 'outpost.db'), keyHex: randomBytes(32).toString('hex') });
});

afterEach(() => {
  store.close();
  rmSync(base, { recursive: true, force: true });
});

function setup(
  model: FakeLanguageModel,
  options: { policy?: ApprovalPolicy; overrides?: Partial<AgentOptions> } = {},
) {
  const policy = options.policy ?? 'full-auto';
  const checkpoints = createCheckpoints({ projectRoot, dataDirectory: join(base, 'home') });
  const taken: string[] = [];
  const seen: AgentEvent[] = [];
  const events = createEventBus<AgentEvent>();
  events.subscribe((event) => seen.push(event));
  const agent = createAgent({
    model,
    tools: toolsForPolicy(createDefaultTools(), policy),
    sessions: store.sessions,
    events,
    approval: { policy, prompt: createNonInteractiveApprovalPrompt(policy) },
    projectRoot,
    systemPrompt: 'You are a test agent.',
    maxSteps: 10,
    checkpoint: (sessionId) => {
      // What the files were when the checkpoint was asked for: before any write.
      taken.push(readFileSync(join(projectRoot, 'calc.py'), 'utf8'));
      return checkpoints.take(sessionId);
    },
    ...options.overrides,
  });
  const session = store.sessions.create({
    title: 'checkpoint',
    projectRoot,
    provider: model.provider,
    model: model.modelId,
  });
  return { agent, session, checkpoints, taken, seen };
}

const dataOf = (sessionId: string): SessionEventData[] =>
  store.sessions.events(sessionId).map((event) => event.data);
const checkpointsOf = (sessionId: string) =>
  dataOf(sessionId).filter((data): data is CheckpointEvent => data.type === 'checkpoint');

const ORIGINAL = 'def add(a, b):\n    return a - b\n';

describe('the checkpoint before the first write', () => {
  it('is taken once, before the first write, and undo gives back the exact tree', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a - b',
        replace: 'return a + b',
      }),
      reply()
        .toolCall('write_file', { path: 'test_calc.py', content: 'assert True\n' })
        .toolCall('run_command', { command: 'rm notes.txt' }),
      reply().text('Fixed.'),
    );
    const { agent, session, checkpoints, taken, seen } = setup(model);
    const before = manifest(projectRoot);
    const state = repositoryState(projectRoot);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(taken).toEqual([ORIGINAL]);
    const types = dataOf(session.id).map((data) => data.type);
    expect(types.filter((type) => type === 'checkpoint')).toHaveLength(1);
    expect(types.indexOf('checkpoint')).toBeLessThan(types.indexOf('file-change'));
    const editCall = dataOf(session.id).find(
      (data) => data.type === 'tool-call' && data.toolName === 'edit_file',
    );
    const [checkpoint] = checkpointsOf(session.id);
    expect(checkpoint).toMatchObject({
      reason: 'before-write',
      ref: `refs/outpost/checkpoints/${session.id}`,
      repository: 'project',
      files: 2,
      toolCallId: editCall?.type === 'tool-call' ? editCall.toolCallId : 'missing',
    });
    expect(checkpoint?.error).toBeUndefined();
    expect(seen).toContainEqual(
      expect.objectContaining({
        type: 'session.event-recorded',
        event: expect.objectContaining({ data: checkpoint }) as unknown,
      }),
    );
    expect(git(projectRoot, 'show', `${checkpoint?.commit}:calc.py`)).toBe(ORIGINAL);

    const recorded = sessionCheckpointOf(store.sessions.events(session.id));
    expect(recorded?.data.commit).toBe(checkpoint?.commit);
    await checkpoints.restore(
      { commit: recorded?.data.commit ?? '', repository: 'project' },
      { sessionId: session.id, reason: 'undo' },
    );
    expect(manifest(projectRoot)).toEqual(before);
    expect(repositoryState(projectRoot)).toEqual(state);
  });

  it('is not taken again when the session is resumed', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('write_file', { path: 'a.txt', content: 'a\n' }),
      reply().text('Wrote a.'),
      reply().toolCall('write_file', { path: 'b.txt', content: 'b\n' }),
      reply().text('Wrote b.'),
    );
    const { agent, session, taken } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: 'write a' });
    await agent.run({ sessionId: session.id, userMessage: 'now b' });
    expect(taken).toHaveLength(1);
    expect(checkpointsOf(session.id)).toHaveLength(1);
  });

  it('is not taken for a run that only reads', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { path: 'calc.py' }).toolCall('list_files', {}),
      reply().text('It subtracts.'),
    );
    const { agent, session, taken } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: 'what does add do?' });
    expect(taken).toEqual([]);
    expect(checkpointsOf(session.id)).toEqual([]);
  });

  it('is not taken for a write the person refuses, and is for one they approve', async () => {
    const refused = new FakeLanguageModel().push(
      reply().toolCall('write_file', { path: 'a.txt', content: 'a\n' }),
      reply().text('Not allowed.'),
    );
    const first = setup(refused, { policy: 'ask' });
    await first.agent.run({ sessionId: first.session.id, userMessage: 'write a' });
    expect(first.taken).toEqual([]);

    const approved = new FakeLanguageModel().push(
      reply().toolCall('write_file', { path: 'a.txt', content: 'a\n' }),
      reply().text('Wrote it.'),
    );
    const asked: string[] = [];
    const second = setup(approved, {
      policy: 'ask',
      overrides: {
        approval: {
          policy: 'ask',
          prompt: (request) => {
            asked.push(request.description);
            return Promise.resolve({ approved: true });
          },
        },
      },
    });
    await second.agent.run({ sessionId: second.session.id, userMessage: 'write a' });
    expect(asked).toEqual(['write_file a.txt']);
    expect(second.taken).toEqual([ORIGINAL]);
    expect(checkpointsOf(second.session.id)).toHaveLength(1);
  });

  it('that fails is recorded with why, and the run goes on without one', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('write_file', { path: 'a.txt', content: 'a\n' }),
      reply().toolCall('write_file', { path: 'b.txt', content: 'b\n' }),
      reply().text('Wrote both.'),
    );
    let attempts = 0;
    const { agent, session } = setup(model, {
      overrides: {
        checkpoint: () => {
          attempts += 1;
          return Promise.reject(new Error('the disk is full'));
        },
      },
    });
    const result = await agent.run({ sessionId: session.id, userMessage: 'write' });
    expect(result.outcome).toBe('completed');
    expect(attempts).toBe(1);
    expect(checkpointsOf(session.id)).toEqual([
      expect.objectContaining({ commit: null, error: 'the disk is full' }),
    ]);
    expect(readFileSync(join(projectRoot, 'b.txt'), 'utf8')).toBe('b\n');
  });
});
