import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeLanguageModel, reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { useAgentProject } from './__fixtures__/agent-project.js';
import { loopGuardStateOf } from './loop-guard-state.js';

const CALC = 'def add(a, b):\n    return a - b\n';
const FIXED = 'def add(a, b):\n    return a + b\n';

const project = useAgentProject({ name: 'loop', calc: CALC, maxSteps: 40 });
const { setup, eventsOf } = project;

/** What the model was told last in its `index`-th request (0-based). */
const lastMessage = (model: FakeLanguageModel, index: number) =>
  model.calls[index]?.messages.at(-1)?.content ?? '';

const readCalc = () => reply().toolCall('read_file', { path: 'calc.py' });

describe('loop guard', () => {
  it('warns twice, then stops a model that repeats one call forever', async () => {
    const model = new FakeLanguageModel().respond(readCalc);
    const { agent, session, seen } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('stuck');
    expect(model.calls).toHaveLength(5);
    expect(project.store.sessions.get(session.id)?.status).toBe('stuck');
    expect(result.error?.kind).toBe('stuck');
    expect(result.error?.message).toMatch(
      /^Stopped the run: read_file calc\.py gave the same result 5 times, even after two warnings\. The model is going in circles; resume the session with a hint/,
    );
    const guard = eventsOf(session.id, 'loop-guard');
    expect(guard.map((event) => [event.step, event.action, event.reason])).toEqual([
      [2, 'note', 'repeated-call'],
      [3, 'strategy', 'repeated-call'],
      [4, 'stop', 'repeated-call'],
    ]);
    expect(eventsOf(session.id, 'error')).toEqual([
      expect.objectContaining({ kind: 'stuck', message: result.error?.message }),
    ]);

    // The first two results are plain; then the model is told, then told firmly.
    expect(lastMessage(model, 2)).toBe(lastMessage(model, 1));
    expect(lastMessage(model, 2)).not.toContain('Outpost');
    expect(lastMessage(model, 3)).toContain(
      'Outpost: You have called read_file on calc.py 3 times and got the same result each time;',
    );
    expect(lastMessage(model, 3)).toContain('change the file with edit_file or write_file');
    expect(lastMessage(model, 4)).toContain('Outpost, second warning:');
    expect(lastMessage(model, 4)).toContain('Do not read that file again.');
    // The tool result keeps what the tool said; the note follows it.
    expect(lastMessage(model, 3).startsWith('calc.py (lines 1-2 of 2)\ndef add(a, b):')).toBe(true);

    const announced = seen.filter((event) => event.type === 'guard.intervened');
    expect(announced.map((event) => event.intervention.action)).toEqual([
      'note',
      'strategy',
      'stop',
    ]);
    expect(announced[0]?.intervention.summary).toBe(
      'read_file calc.py gave the same result 3 times: told the model to do something else',
    );
  });

  it('tells a model that repeats a failing call, and lets it go on once it recovers', async () => {
    const readMissing = () => reply().toolCall('read_file', { path: 'calc_utils.py' });
    const model = new FakeLanguageModel().push(
      readMissing(),
      readMissing(),
      readMissing(),
      reply().toolCall('list_files', {}),
      readCalc(),
      reply().toolCall('edit_file', { path: 'calc.py', search: 'a - b', replace: 'a + b' }),
      reply().text('Fixed.'),
    );
    const { agent, session } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(readFileSync(join(project.projectRoot, 'calc.py'), 'utf8')).toBe(FIXED);
    expect(
      eventsOf(session.id, 'loop-guard').map((event) => [event.step, event.action, event.reason]),
    ).toEqual([[2, 'note', 'repeated-call']]);
    expect(lastMessage(model, 3)).toMatch(/^Error \(not-found\): calc_utils\.py does not exist\./);
    expect(lastMessage(model, 3)).toContain(
      'You have called read_file on calc_utils.py 3 times and got the same result each time;',
    );
    expect(lastMessage(model, 3)).toContain('Read the error message: it says what is wrong.');
  });

  it('names an error that keeps coming back from different calls', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('read_file', { line: 1 }),
      reply().toolCall('read_file', { line: 2 }),
      reply().toolCall('read_file', { line: 3 }),
      reply().text('I give up.'),
    );
    const { agent, session } = setup(model);

    await agent.run({ sessionId: session.id, userMessage: 'read it' });

    expect(eventsOf(session.id, 'loop-guard').map((event) => event.reason)).toEqual([
      'repeated-error',
    ]);
    expect(lastMessage(model, 3)).toContain(
      'Outpost: You got the same error 3 times (invalid-arguments);',
    );
  });

  it('steps in when several steps bring nothing new, though no call repeats exactly', async () => {
    let attempt = 0;
    const model = new FakeLanguageModel().respond(() => {
      attempt += 1;
      return reply().toolCall('read_file', { path: `helper_${attempt}.py` });
    });
    const { agent, session } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'find the helper' });

    expect(result.outcome).toBe('stuck');
    expect(model.calls).toHaveLength(8);
    expect(
      eventsOf(session.id, 'loop-guard').map((event) => [event.step, event.action, event.reason]),
    ).toEqual([
      [5, 'note', 'no-progress'],
      [6, 'strategy', 'no-progress'],
      [7, 'stop', 'no-progress'],
    ]);
    expect(lastMessage(model, 6)).toContain('Outpost: Your last 6 steps found nothing new');
    expect(result.error?.message).toContain(
      'Stopped the run: 8 steps in a row found nothing new, even after two warnings.',
    );
  });

  it('leaves a normal read, edit, test trajectory alone, re-reads and re-runs included', async () => {
    const runTests = () => reply().toolCall('run_command', { command: 'python3 test_calc.py' });
    const edit = (search: string, replace: string) =>
      reply().toolCall('edit_file', { path: 'calc.py', search, replace });
    const model = new FakeLanguageModel().push(
      reply().toolCall('list_files', {}),
      readCalc(),
      runTests(),
      edit('return a - b', 'return a * b'),
      readCalc(),
      runTests(),
      edit('return a * b', 'return b - a'),
      runTests(),
      readCalc(),
      edit('return b - a', 'return a + b'),
      readCalc(),
      runTests(),
      reply().text('Fixed add.'),
    );
    const { agent, session } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(readFileSync(join(project.projectRoot, 'calc.py'), 'utf8')).toBe(FIXED);
    expect(eventsOf(session.id, 'loop-guard')).toEqual([]);
    // The test failed the same way three times, each time after a different edit.
    const outputs = eventsOf(session.id, 'command-run').map((event) => event.exitCode);
    expect(outputs).toEqual([1, 1, 1, 0]);
  });

  it('hands a file back whole after two failed edits, and the rewrite fixes it', async () => {
    const model = new FakeLanguageModel().push(
      reply().toolCall('edit_file', { path: 'calc.py', search: 'return a-b', replace: 'x' }),
      reply().toolCall('edit_file', {
        path: './calc.py',
        search: 'def add(a, b):\n  return a -b',
        replace: 'x',
      }),
      reply().toolCall('write_file', { path: 'calc.py', content: FIXED }),
      reply().text('Rewrote calc.py.'),
    );
    const { agent, session } = setup(model);

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('completed');
    expect(readFileSync(join(project.projectRoot, 'calc.py'), 'utf8')).toBe(FIXED);
    expect(lastMessage(model, 1)).not.toContain('Outpost');
    const note = lastMessage(model, 2);
    expect(note).toMatch(/^Error \(no-match\): calc\.py: /);
    expect(note).toContain(
      'edit_file has failed 2 times on calc.py. Stop using edit_file on this file: write it whole instead. Its current content (2 lines, 32 B) is:\n\n```\ndef add(a, b):\n    return a - b\n```\n\nCall write_file with path "calc.py"',
    );
    expect(
      eventsOf(session.id, 'loop-guard').map((event) => [event.action, event.reason, event.path]),
    ).toEqual([['rewrite-file', 'failed-edits', 'calc.py']]);
  });

  it('tells the model to read the exact lines first when the file is too large to rewrite', async () => {
    const failedEdit = () =>
      reply().toolCall('edit_file', { path: 'calc.py', search: 'return a-b', replace: 'x' });
    const model = new FakeLanguageModel().push(
      failedEdit(),
      failedEdit(),
      reply().text('I will stop here.'),
    );
    const { agent, session } = setup(model, { loopGuard: { rewriteMaxLines: 1 } });

    await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(lastMessage(model, 2)).toContain(
      'edit_file has failed 2 times on calc.py, which is too large to write whole (2 lines, 32 B). Call read_file on calc.py',
    );
    expect(lastMessage(model, 2)).not.toContain('return a - b\n```');
    expect(eventsOf(session.id, 'loop-guard').map((event) => event.action)).toEqual([
      'reread-file',
    ]);
  });

  it('hands a file back whole only when writing it again fits one reply of the model', async () => {
    // 250 lines, about 2,700 tokens: too much for the reply of an 8,192-token window.
    const lines = Array.from(
      { length: 250 },
      (_, index) => `value_${index} = scale(${index}, factor=2)  # entry`,
    );
    writeFileSync(join(project.projectRoot, 'values.py'), `${lines.join('\n')}\n`);
    const actions: string[] = [];
    for (const contextWindow of [8192, 32_768]) {
      const failedEdit = () =>
        reply().toolCall('edit_file', { path: 'values.py', search: 'value_x = 1', replace: 'y' });
      const model = new FakeLanguageModel({ contextWindow }).push(
        failedEdit(),
        failedEdit(),
        reply().text('Stopping.'),
      );
      const { agent, session } = setup(model);
      await agent.run({ sessionId: session.id, userMessage: 'change value_x' });
      actions.push(...eventsOf(session.id, 'loop-guard').map((event) => event.action));
    }
    expect(actions).toEqual(['reread-file', 'rewrite-file']);
  });

  it('judges a resumed session as the interrupted run would have', async () => {
    const model = new FakeLanguageModel().push(
      readCalc(),
      readCalc(),
      readCalc(),
      reply().text('Let me think about').dieAfter(2),
    );
    const { agent, session } = setup(model);
    const failed = await agent.run({ sessionId: session.id, userMessage: 'fix add' });
    expect(failed.outcome).toBe('failed');
    const before = loopGuardStateOf(project.store.sessions.events(session.id));

    model.push(readCalc(), reply().text('Done.'));
    const resumed = await agent.run({ sessionId: session.id });

    expect(resumed.outcome).toBe('completed');
    expect(before.warnings).toBe(1);
    // The first warning was given before the interruption; the resumed run gives the second.
    expect(eventsOf(session.id, 'loop-guard').map((event) => event.action)).toEqual([
      'note',
      'strategy',
    ]);
    expect(lastMessage(model, 5)).toContain('Outpost, second warning:');
  });

  it('starts afresh with a new user message, and after a stop', async () => {
    const model = new FakeLanguageModel().respond(readCalc);
    const { agent, session } = setup(model);
    const stuck = await agent.run({ sessionId: session.id, userMessage: 'fix add' });
    expect(stuck.outcome).toBe('stuck');
    expect(loopGuardStateOf(project.store.sessions.events(session.id)).warnings).toBe(0);

    model.respond(undefined).push(readCalc(), reply().text('It subtracts.'));
    const next = await agent.run({ sessionId: session.id, userMessage: 'just tell me the bug' });

    expect(next.outcome).toBe('completed');
    expect(eventsOf(session.id, 'loop-guard')).toHaveLength(3);
  });

  it('does nothing when turned off', async () => {
    const model = new FakeLanguageModel().respond(readCalc);
    const { agent, session } = setup(model, { maxSteps: 8, loopGuard: { enabled: false } });

    const result = await agent.run({ sessionId: session.id, userMessage: 'fix add' });

    expect(result.outcome).toBe('step-limit');
    expect(model.calls).toHaveLength(8);
    expect(eventsOf(session.id, 'loop-guard')).toEqual([]);
  });
});
