import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelMessage } from '@outpost/protocol';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { useAgentProject } from './__fixtures__/agent-project.js';
import { planStateOf } from './plan-state.js';

const CALC = 'def add(a, b):\n    return a - b  # CALC-CONTENT\n';

const project = useAgentProject({ name: 'plan', calc: CALC, maxSteps: 10 });
const { setup, eventsOf } = project;

const PLAN = {
  subtasks: [
    { goal: 'Find why test_calc.py fails', done: 'the failing line is known' },
    { goal: 'Fix add in calc.py', done: 'python3 test_calc.py passes' },
  ],
};
const TASK = 'test_calc.py fails. Fix the bug in calc.py.';
const text = (messages: readonly ModelMessage[]) => messages.map((m) => m.content).join('\n');

/** The plan, then subtask 1 (read, answer), then subtask 2 (edit, answer). */
function scriptPlannedFix(model: FakeLanguageModel, plan: unknown = PLAN) {
  model.push(
    reply().text(typeof plan === 'string' ? plan : JSON.stringify(plan)),
    reply().toolCall('read_file', { path: 'calc.py' }),
    reply().text('add() returns a - b: the operator is wrong.'),
    reply().toolCall('edit_file', { path: 'calc.py', search: 'a - b', replace: 'a + b' }),
    reply().text('Fixed add: it adds now.'),
  );
}

describe('planning', () => {
  it('makes a forced plan, works through each subtask in its own segment, and sums up', async () => {
    const model = new FakeLanguageModel();
    scriptPlannedFix(model);
    const { agent, session, seen } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: TASK, plan: true });

    expect(result.outcome).toBe('completed');
    expect(result.totals.steps).toBe(5);
    expect(readFileSync(join(project.projectRoot, 'calc.py'), 'utf8')).toContain('return a + b');
    expect(result.finalText).toBe(
      'Finished the plan (2 subtasks):\n' +
        '✓ 1. Find why test_calc.py fails — add() returns a - b: the operator is wrong.\n' +
        '✓ 2. Fix add in calc.py — Fixed add: it adds now.',
    );

    // The plan request: the system prompt and the planning prompt with the task, no tools.
    const [planRequest] = model.calls;
    expect(planRequest?.tools).toEqual([]);
    expect(planRequest?.responseFormat).toBeUndefined();
    expect(planRequest?.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(planRequest?.messages[1]?.content).toContain(`Task:\n${TASK}`);
    expect(planRequest?.messages[1]?.content).toContain('{"subtasks"');

    const [plan] = eventsOf(session.id, 'plan');
    expect(plan).toEqual({
      type: 'plan',
      step: 0,
      source: 'forced',
      subtasks: [
        { id: '1', ...PLAN.subtasks[0] },
        { id: '2', ...PLAN.subtasks[1] },
      ],
    });
    expect(
      eventsOf(session.id, 'plan-updated').map(({ subtaskId, status, note }) => ({
        subtaskId,
        status,
        note,
      })),
    ).toEqual([
      { subtaskId: '1', status: 'active', note: undefined },
      { subtaskId: '1', status: 'done', note: 'add() returns a - b: the operator is wrong.' },
      { subtaskId: '2', status: 'active', note: undefined },
      { subtaskId: '2', status: 'done', note: 'Fixed add: it adds now.' },
    ]);
    const handoffs = eventsOf(session.id, 'handoff');
    expect(
      handoffs.map(({ step, role, subtaskId, reason }) => ({ step, role, subtaskId, reason })),
    ).toEqual([
      { step: 0, role: 'coder', subtaskId: '1', reason: 'subtask 1 of 2' },
      { step: 2, role: 'coder', subtaskId: '2', reason: 'subtask 2 of 2' },
    ]);
    expect(
      planStateOf(project.store.sessions.events(session.id))?.subtasks.map((s) => s.status),
    ).toEqual(['done', 'done']);

    // Each subtask's requests: the system prompt, its brief, and its own messages only.
    const [, first, , second, secondAnswer] = model.calls;
    expect(first?.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: handoffs[0]?.brief },
    ]);
    expect(handoffs[0]?.brief).toContain('Your subtask now (1 of 2): Find why test_calc.py fails');
    expect(second?.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: handoffs[1]?.brief },
    ]);
    expect(handoffs[1]?.brief).toContain('1. add() returns a - b: the operator is wrong.');
    expect(handoffs[1]?.brief).toContain('It is done when: python3 test_calc.py passes');
    // Subtask 1 read calc.py; subtask 2 never sees that output.
    expect(text(model.calls[2]?.messages ?? [])).toContain('CALC-CONTENT');
    for (const request of [second, secondAnswer]) {
      expect(text(request?.messages ?? [])).not.toContain('CALC-CONTENT');
      expect(request?.tools.length).toBeGreaterThan(0);
    }
    expect(secondAnswer?.messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
    ]);

    expect(seen.filter((event) => event.type === 'plan.started')).toHaveLength(1);
  });

  it('asks a model that can follow a JSON schema for one', async () => {
    const model = new FakeLanguageModel({ capabilities: { jsonSchema: true } });
    scriptPlannedFix(model);
    const { agent, session } = setup(model);

    await agent.run({ sessionId: session.id, userMessage: TASK, plan: true });

    expect(model.calls[0]?.responseFormat).toMatchObject({
      type: 'json-schema',
      name: 'outpost_plan',
      schema: { properties: { subtasks: { maxItems: 5 } } },
    });
    expect(model.calls[1]?.responseFormat).toBeUndefined();
  });

  it('plans a message that looks like several steps when planning is automatic', async () => {
    const model = new FakeLanguageModel();
    scriptPlannedFix(model);
    const { agent, session } = setup(model, { planning: { auto: true, maxSubtasks: 4 } });
    const message = 'Please:\n- find why test_calc.py fails\n- fix add\n- run the test';

    const result = await agent.run({ sessionId: session.id, userMessage: message });

    expect(result.outcome).toBe('completed');
    expect(eventsOf(session.id, 'plan')[0]).toMatchObject({ source: 'heuristic' });
    expect(model.calls[0]?.messages[1]?.content).toContain('2 to 4 subtasks');
  });

  it('makes no plan step for a one-line fix, even when planning is automatic', async () => {
    const model = new FakeLanguageModel().push(reply().text('Nothing to do.'));
    const { agent, session } = setup(model, { planning: { auto: true, maxSubtasks: 5 } });

    await agent.run({ sessionId: session.id, userMessage: 'fix the failing test in calc.py' });

    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.tools.length).toBeGreaterThan(0);
    expect(eventsOf(session.id, 'plan')).toEqual([]);
    expect(eventsOf(session.id, 'handoff')).toEqual([]);
  });

  it.each([
    ['an unreadable reply', 'I will read calc.py first and then fix it.', /no JSON in it/],
    ['a one-subtask plan', { subtasks: [{ goal: 'fix add', done: 'tests pass' }] }, /one step/],
  ])('goes on without a plan after %s', async (_, planReply, reason) => {
    const model = new FakeLanguageModel().push(
      reply().text(typeof planReply === 'string' ? planReply : JSON.stringify(planReply)),
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().text('add subtracts.'),
    );
    const { agent, session } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: TASK, plan: true });

    expect(result.outcome).toBe('completed');
    expect(result.finalText).toBe('add subtracts.');
    const [plan] = eventsOf(session.id, 'plan');
    expect(plan).toMatchObject({ source: 'forced', subtasks: [] });
    expect(plan?.reason).toMatch(reason);
    expect(eventsOf(session.id, 'handoff')).toEqual([]);
    // The run went on as if no plan had been asked for: the task is the user turn.
    expect(model.calls[1]?.messages).toEqual([
      { role: 'system', content: 'You are a test agent.' },
      { role: 'user', content: TASK },
    ]);
  });

  it('goes on without a plan when the plan call fails', async () => {
    const model = new FakeLanguageModel().push(
      reply().httpError(400, 'response_format is not supported'),
      reply().text('Done.'),
    );
    const { agent, session } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: TASK, plan: true });

    expect(result.outcome).toBe('completed');
    expect(eventsOf(session.id, 'plan')[0]?.reason).toMatch(/^The plan call failed: .*400/);
    expect(eventsOf(session.id, 'model-call').map((call) => call.finishReason)).toEqual([
      'error',
      'stop',
    ]);
  });

  it('resumes a subtask it stopped in with the same request, and finishes the plan', async () => {
    const model = new FakeLanguageModel();
    model.push(
      reply().text(JSON.stringify(PLAN)),
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().text('add() returns a - b.'),
      reply().toolCall('read_file', { path: 'calc.py' }),
      reply().httpError(400, 'the server is confused'),
    );
    const { agent, session } = setup(model);

    const stopped = await agent.run({ sessionId: session.id, userMessage: TASK, plan: true });

    expect(stopped.outcome).toBe('failed');
    expect(eventsOf(session.id, 'plan-updated').at(-1)).toMatchObject({
      subtaskId: '2',
      status: 'failed',
    });
    const failedRequest = model.calls.at(-1)?.messages;
    expect(failedRequest?.[1]?.content).toContain('Your subtask now (2 of 2)');

    model.push(
      reply().toolCall('edit_file', { path: 'calc.py', search: 'a - b', replace: 'a + b' }),
      reply().text('Fixed add.'),
    );
    const resumed = await agent.run({ sessionId: session.id });

    expect(resumed.outcome).toBe('completed');
    expect(model.calls[5]?.messages).toEqual(failedRequest);
    expect(eventsOf(session.id, 'plan-updated').map((e) => `${e.subtaskId} ${e.status}`)).toEqual([
      '1 active',
      '1 done',
      '2 active',
      '2 failed',
      '2 active',
      '2 done',
    ]);
    expect(resumed.finalText).toMatch(/^Finished the plan \(2 subtasks\):/);
  });

  it('hands off to the next subtask when resumed after an answer it had not yet taken', async () => {
    const model = new FakeLanguageModel().push(reply().text('Fixed.'));
    const { agent, session } = setup(model);
    project.store.sessions.appendEvents(session.id, [
      { type: 'user-message', text: TASK },
      {
        type: 'plan',
        step: 0,
        source: 'forced',
        subtasks: [
          { id: '1', ...PLAN.subtasks[0]! },
          { id: '2', ...PLAN.subtasks[1]! },
        ],
      },
      { type: 'plan-updated', step: 0, subtaskId: '1', status: 'active' },
      {
        type: 'handoff',
        step: 0,
        role: 'coder',
        brief: 'Subtask one.',
        subtaskId: '1',
        reason: 'subtask 1 of 2',
      },
      { type: 'assistant-message', step: 1, text: 'add subtracts.', partial: false },
    ]);

    const result = await agent.run({ sessionId: session.id });

    expect(result.outcome).toBe('completed');
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.messages[1]?.content).toContain('1. add subtracts.');
    expect(model.calls[0]?.messages[1]?.content).toContain('Your subtask now (2 of 2)');
    expect(eventsOf(session.id, 'handoff').at(-1)).toMatchObject({ step: 2, subtaskId: '2' });
    expect(eventsOf(session.id, 'model-call')[0]?.step).toBe(3);
  });

  it('counts the step limit across the plan and its subtasks', async () => {
    const model = new FakeLanguageModel();
    scriptPlannedFix(model);
    const { agent, session } = setup(model, { maxSteps: 3 });

    const result = await agent.run({ sessionId: session.id, userMessage: TASK, plan: true });

    expect(result.outcome).toBe('step-limit');
    expect(model.calls).toHaveLength(3);
    expect(eventsOf(session.id, 'plan-updated').map((e) => `${e.subtaskId} ${e.status}`)).toEqual([
      '1 active',
      '1 done',
      '2 active',
      '2 failed',
    ]);
  });

  it('skips what is left of a plan when a new message comes, and goes on from its segment', async () => {
    const model = new FakeLanguageModel();
    model.push(reply().text(JSON.stringify(PLAN)), reply().httpError(400, 'down'));
    const { agent, session } = setup(model);
    await agent.run({ sessionId: session.id, userMessage: TASK, plan: true });

    model.push(reply().text('Never mind then.'));
    const result = await agent.run({ sessionId: session.id, userMessage: 'stop, explain add' });

    expect(result.outcome).toBe('completed');
    expect(result.finalText).toBe('Never mind then.');
    expect(eventsOf(session.id, 'plan-updated').map((e) => `${e.subtaskId} ${e.status}`)).toEqual([
      '1 active',
      '1 failed',
      '1 skipped',
      '2 skipped',
    ]);
    const roles = model.calls.at(-1)?.messages.map((message) => message.role);
    expect(roles).toEqual(['system', 'user', 'user']);
    expect(model.calls.at(-1)?.messages[1]?.content).toContain('Your subtask now (1 of 2)');
  });
});
