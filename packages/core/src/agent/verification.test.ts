import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionEventData } from '@outpost/protocol';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalPolicy } from '../config/outpost-config.js';
import { createEventBus } from '../events/event-bus.js';
import { openStore, type Store } from '../store/store.js';
import { createDefaultTools } from '../tool/default-tools.js';
import { runShellCommand } from '../tool/shell-command.js';
import type { AgentEvent } from './agent-event.js';
import { createAgent } from './agent-loop.js';
import { createNonInteractiveApprovalPrompt, toolsForPolicy } from './approval-policy.js';
import { conversationFromEvents } from './conversation.js';
import type { RunVerificationCommand, VerificationSettings } from './verification.js';

let projectRoot: string;
let dataDirectory: string;
let store: Store;

const TEST_COMMAND = 'python3 test_calc.py';

beforeEach(() => {
  projectRoot = realpathSync(mkdtempSync(join(tmpdir(), 'outpost-verify-project-')));
  dataDirectory = mkdtempSync(join(tmpdir(), 'outpost-verify-store-'));
  execFileSync('git', ['init', '-q'], { cwd: projectRoot });
  writeFileSync(join(projectRoot, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  writeFileSync(
    join(projectRoot, 'test_calc.py'),
    'from calc import add\nassert add(2, 3) == 5, "add(2, 3) is %r, not 5" % add(2, 3)\nprint("ok")\n',
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

/** The real shell runner, counting what it ran. */
function countingRunner(): { run: RunVerificationCommand; commands: string[] } {
  const commands: string[] = [];
  return {
    commands,
    run: (options) => {
      commands.push(options.command);
      return runShellCommand(options);
    },
  };
}

function setup(
  model: FakeLanguageModel,
  verification: Partial<VerificationSettings> & { policy?: ApprovalPolicy } = {},
) {
  const events = createEventBus<AgentEvent>();
  const seen: AgentEvent[] = [];
  events.subscribe((event) => seen.push(event));
  const policy = verification.policy ?? 'full-auto';
  const runner = countingRunner();
  const agent = createAgent({
    model,
    tools: toolsForPolicy(createDefaultTools(), policy),
    sessions: store.sessions,
    events,
    approval: { policy, prompt: createNonInteractiveApprovalPrompt(policy) },
    projectRoot,
    systemPrompt: 'You are a test agent.',
    maxSteps: 12,
    verification: {
      commands: [{ kind: 'test', command: TEST_COMMAND, source: 'config' }],
      rounds: 2,
      timeoutMs: 60_000,
      run: runner.run,
      ...verification,
    },
  });
  const session = store.sessions.create({
    title: 'fix add',
    projectRoot,
    provider: model.provider,
    model: model.modelId,
  });
  return { agent, session, seen, ran: runner.commands };
}

const verifications = (sessionId: string) =>
  store.sessions
    .events(sessionId)
    .map((event) => event.data)
    .filter(
      (data): data is Extract<SessionEventData, { type: 'verification' }> =>
        data.type === 'verification',
    );

const edit = (replace: string) =>
  reply().toolCall('edit_file', { path: 'calc.py', search: 'return a - b', replace });

describe('verification of the model’s changes', () => {
  it('catches a failing test after an edit the model believed correct, and the second attempt fixes it', async () => {
    const model = new FakeLanguageModel().push(
      edit('return a * b'),
      reply().text('Fixed: add multiplies now.'),
      reply().toolCall('edit_file', {
        path: 'calc.py',
        search: 'return a * b',
        replace: 'return a + b',
      }),
      reply().text('Fixed add for real: it returns a + b.'),
    );
    const { agent, session, seen, ran } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(result.finalText).toBe('Fixed add for real: it returns a + b.');
    expect(readFileSync(join(projectRoot, 'calc.py'), 'utf8')).toContain('return a + b');
    expect(ran).toEqual([TEST_COMMAND, TEST_COMMAND]);
    const checks = verifications(session.id);
    expect(checks.map((check) => [check.outcome, check.round])).toEqual([
      ['failed', 1],
      ['passed', 2],
    ]);
    expect(checks[0]?.summary).toContain('add(2, 3) is 6, not 5');
    // The third request ends with the failure, as a user turn the model can act on.
    const third = model.calls[2]?.messages.at(-1);
    expect(third?.role).toBe('user');
    expect(third?.content).toContain('Outpost ran `python3 test_calc.py`');
    expect(third?.content).toContain('check 1 of 2');
    expect(third?.content).toContain('add(2, 3) is 6, not 5');
    expect(seen.filter((event) => event.type === 'verification.started')).toHaveLength(2);
  });

  it('stops the run as failed when the rounds are used up, and a resume sends the failure again', async () => {
    const model = new FakeLanguageModel().push(edit('return a * b'), reply().text('Done.'));
    const { agent, session } = setup(model, { rounds: 1 });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('failed');
    expect(result.error?.kind).toBe('verification');
    expect(result.error?.message).toContain('`python3 test_calc.py` still fails after 1 round');
    expect(store.sessions.get(session.id)?.status).toBe('failed');
    const conversation = conversationFromEvents(store.sessions.events(session.id));
    expect(conversation.at(-1)?.role).toBe('user');
    expect(conversation.at(-1)?.content).toContain('check 1 of 1');
  });

  it('reuses the model’s own passing run after its last change instead of running the suite again', async () => {
    const model = new FakeLanguageModel().push(
      edit('return a + b'),
      reply().toolCall('run_command', { command: TEST_COMMAND }),
      reply().text('Fixed; the test passes.'),
    );
    const { agent, session, ran } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(ran).toEqual([]);
    expect(verifications(session.id)).toMatchObject([{ outcome: 'passed', reused: true }]);
  });

  it('does not check an answer when nothing changed since the last check', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().text('add subtracts; that is the bug.'),
    );
    const { agent, session, ran } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'why is add wrong?' });

    expect(result.outcome).toBe('completed');
    expect(ran).toEqual([]);
    expect(verifications(session.id)).toEqual([]);
  });

  it('records a check nobody approved and accepts the answer (nothing for the model to fix)', async () => {
    const model = new FakeLanguageModel().push(edit('return a + b'), reply().text('Fixed.'));
    const { agent, session, ran } = setup(model, { policy: 'auto-edit' });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(ran).toEqual([]);
    expect(verifications(session.id)).toMatchObject([{ outcome: 'not-approved' }]);
  });

  it('says a command the shell cannot find is unavailable instead of blaming the model', async () => {
    const model = new FakeLanguageModel().push(edit('return a + b'), reply().text('Fixed.'));
    const { agent, session } = setup(model, {
      commands: [{ kind: 'test', command: 'outpost-no-such-test-runner', source: 'config' }],
    });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(model.calls).toHaveLength(2);
    const checks = verifications(session.id);
    expect(checks).toMatchObject([{ outcome: 'unavailable', exitCode: 127 }]);
    expect(checks[0]).not.toHaveProperty('feedback');
  });

  it('says a test runner that is not installed is unavailable', async () => {
    const model = new FakeLanguageModel().push(edit('return a + b'), reply().text('Fixed.'));
    const { agent, session } = setup(model, {
      commands: [
        {
          kind: 'test',
          command: 'echo "/usr/bin/python3: No module named pytest" && exit 1',
          source: 'tests/test_calc.py',
        },
      ],
    });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(verifications(session.id)).toMatchObject([{ outcome: 'unavailable', exitCode: 1 }]);
  });

  it('treats pytest collecting no tests as nothing to check, not as a failure', async () => {
    const model = new FakeLanguageModel().push(edit('return a + b'), reply().text('Fixed.'));
    const { agent, session } = setup(model, {
      commands: [
        {
          kind: 'test',
          command: 'echo "no tests ran in 0.01s" && exit 5 # python3 -m pytest -q',
          source: 'test_calc.py',
        },
      ],
    });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(model.calls).toHaveLength(2);
    expect(verifications(session.id)).toMatchObject([{ outcome: 'unavailable', exitCode: 5 }]);
  });

  it('runs type-check before tests and stops the check at the first failure', async () => {
    const model = new FakeLanguageModel().push(
      edit('return a + b'),
      reply().text('Fixed.'),
      reply().text('The type-check failure is not mine.'),
    );
    const { agent, session, ran } = setup(model, {
      commands: [
        {
          kind: 'typecheck',
          command: 'echo "calc.py:2: error: bad type" && exit 1',
          source: 'config',
        },
        { kind: 'test', command: TEST_COMMAND, source: 'config' },
      ],
      rounds: 1,
    });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(ran).toHaveLength(1);
    expect(result.outcome).toBe('failed');
    const checks = verifications(session.id);
    expect(checks).toMatchObject([{ kind: 'typecheck', outcome: 'failed' }]);
    expect(checks[0]?.summary).toContain('bad type');
  });
});
