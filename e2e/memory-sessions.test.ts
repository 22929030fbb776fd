import { REFLECTION_PROMPT } from '@outpost/core';
import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture, userText } from './support/fixture.js';

// Project memory across sessions (issue 6): session 1 fixes the failing test and the reflection
// records why; session 2, on a related task, gets the record in its turn context; a retired
// record never gets there, nor does one nobody accepted.
const cli = useCliFixture();

interface ChatBody {
  messages: { role: string; content: string }[];
  tools: { function: { name: string } }[];
}
const bodyOf = (index: number) => cli.server.chatRequests[index]?.body as ChatBody;
/** The `<context>` block at the tail of the last message of request `index`. */
const contextOf = (index: number) =>
  /\n\n<context>\n([\s\S]*)\n<\/context>$/.exec(
    bodyOf(index).messages.at(-1)?.content ?? '',
  )?.[1] ?? '';

const WHY = {
  kind: 'fix',
  title: 'add() in calc.py must add, not subtract',
  body: 'test_calc.py failed: add(2, 3) gave -1 because add() returned a - b. It returns a + b now; python3 test_calc.py checks it.',
  paths: ['calc.py', 'test_calc.py'],
  tags: ['arithmetic'],
};
const WRONG = {
  kind: 'decision',
  title: 'calc.py arithmetic rounds every result to integers',
  body: 'Every function in calc.py returns int(...) of its result.',
  paths: ['calc.py'],
};

function scriptTheFix(...reflection: ReturnType<typeof reply>[]) {
  cli.server.push(
    reply().toolCall('read_file', { path: 'calc.py' }),
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().toolCall('run_command', { command: 'python3 test_calc.py' }),
    reply().text('Fixed add(): it subtracted. The test passes.'),
    ...reflection,
  );
}

async function reflectionOf(sessionPrefix: string) {
  const shown = await cli.run(['sessions', 'show', sessionPrefix, '--json']);
  const detail = JSON.parse(shown.stdout) as { events: { data: Record<string, unknown> }[] };
  return detail.events.find((event) => event.data.type === 'reflection')?.data as {
    proposed: { recordId: string; kind: string; title: string }[];
    dropped: { reason: string }[];
  };
}

const RELATED_TASK = 'add a subtract function to calc.py next to add';

it('session 1 fixes the test and remembers why; session 2 is given the record, never the retired one', async () => {
  scriptTheFix(reply().toolCall('remember', WHY).toolCall('remember', WRONG));
  const first = await cli.run([
    'run',
    '--approval',
    'full-auto',
    '--auto-accept-memory',
    'fix the failing test',
  ]);
  expect(first.code).toBe(0);
  expect(cli.workspace.read('calc.py')).toContain('return a + b');
  expect(first.stderr).toContain(
    'Remembered 2 memory records for later sessions (--auto-accept-memory):',
  );
  expect(first.stderr).toMatch(/ fix +add\(\) in calc\.py must add, not subtract {2}[0-9a-f-]{8,}/);
  // The reflection is one more request with the session's own prefix and the reflection prompt.
  expect(cli.server.chatRequests).toHaveLength(5);
  expect(bodyOf(4).tools).toEqual(bodyOf(3).tools);
  expect(bodyOf(4).messages.at(-1)).toEqual({ role: 'user', content: REFLECTION_PROMPT });
  expect(bodyOf(0).tools.map((tool) => tool.function.name)).toContain('remember');
  // No accepted record yet, so nothing to recall: the tool is not offered.
  expect(bodyOf(0).tools.map((tool) => tool.function.name)).not.toContain('recall');

  const sessionId = (
    JSON.parse((await cli.run(['sessions', 'list', '--json'])).stdout) as { id: string }
  ).id;
  const reflection = await reflectionOf(sessionId.slice(0, 8));
  expect(reflection.proposed.map((record) => record.title)).toEqual([WHY.title, WRONG.title]);
  const wrongId = reflection.proposed[1]?.recordId ?? '';

  // The second record was wrong: the user retires it.
  const retired = await cli.run(['memory', 'retire', wrongId]);
  expect(retired.code).toBe(0);

  cli.server.push(reply().text('I will add subtract() below add().'));
  const second = await cli.run(['run', '--approval', 'read-only', RELATED_TASK]);
  expect(second.code).toBe(0);
  const request = bodyOf(5);
  expect(userText(request.messages.at(-1)?.content ?? '')).toBe(RELATED_TASK);
  const context = contextOf(5);
  expect(context).toContain('Project memory (accepted records that may apply; recall finds more):');
  expect(context).toContain(`] ${WHY.title}: test_calc.py failed: add(2, 3) gave -1`);
  expect(context).not.toContain(WRONG.title);
  expect(JSON.stringify(request)).not.toContain(WRONG.title);
  expect(request.messages[0]?.role).toBe('system');
  expect(request.messages[0]?.content).not.toContain(WHY.title);
  // Now there is an accepted record to find, recall is offered; nothing changed, so no reflection.
  expect(request.tools.map((tool) => tool.function.name)).toContain('recall');
  // A read-only run writes nothing, memory included: remember is not offered.
  expect(request.tools.map((tool) => tool.function.name)).not.toContain('remember');
  expect(cli.server.chatRequests).toHaveLength(6);
});

it('without --auto-accept-memory the proposals wait for review and stay out of later sessions', async () => {
  scriptTheFix(
    reply()
      .toolCall('remember', WHY)
      .toolCall('edit_file', { path: 'x', search: 'a', replace: 'b' }),
  );
  const first = await cli.run(['run', '--approval', 'full-auto', 'fix the failing test']);
  expect(first.code).toBe(0);
  expect(first.stderr).toContain('Proposed 1 memory record; later sessions use it once accepted:');
  expect(first.stderr).toContain(
    'Review them: outpost memory list --status proposed · memory accept ID · memory edit ID · memory retire ID',
  );
  const proposed = await cli.run(['memory', 'list', '--status', 'proposed', '--json']);
  expect(
    proposed.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { title: string }).title),
  ).toEqual([WHY.title]);
  expect(first.stderr).toMatch(
    /1 proposal to remember dropped \(A call to edit_file: only remember calls are taken/,
  );

  cli.server.push(reply().text('Noted.'));
  const second = await cli.run(['run', '--approval', 'read-only', RELATED_TASK]);
  expect(second.code).toBe(0);
  expect(contextOf(5)).not.toContain('Project memory');
  expect(JSON.stringify(bodyOf(5))).not.toContain(WHY.title);
});

it('interactive use shows each proposal at the end of the session: accept, edit, discard', async () => {
  const CONVENTION = {
    kind: 'convention',
    title: 'Tests are plain asserts run with python3',
    body: 'test_calc.py has no framework: run it with python3 test_calc.py.',
    paths: ['test_calc.py'],
  };
  scriptTheFix(
    reply().toolCall('remember', WHY).toolCall('remember', CONVENTION).toolCall('remember', WRONG),
  );
  const result = await cli.run(['--approval', 'full-auto'], {
    input: [
      'fix the failing test',
      '/exit',
      'a',
      'e',
      'Tests are plain asserts: run them with python3 FILE',
      '',
      'd',
      '',
    ].join('\n'),
  });
  expect(result.code).toBe(0);
  expect(result.stderr).toContain(`Proposed memory 1 of 3 (fix): ${WHY.title}`);
  expect(result.stderr).toContain(`Proposed memory 3 of 3 (decision): ${WRONG.title}`);
  expect(result.stdout).toContain('[a]ccept, [e]dit, [d]iscard, or [l]ater (stays proposed):');
  const records = (await cli.run(['memory', 'list', '--json'])).stdout
    .trim()
    .split('\n')
    .map(
      (line) => JSON.parse(line) as { title: string; body: string; status: string; type?: string },
    )
    .filter((record) => record.type === undefined);
  expect(records.map((record) => [record.status, record.title]).sort()).toEqual([
    ['accepted', 'Tests are plain asserts: run them with python3 FILE'],
    ['accepted', WHY.title],
    ['retired', WRONG.title],
  ]);
  expect(records.find((record) => record.title.startsWith('Tests are'))?.body).toBe(
    CONVENTION.body,
  );
});

it('a reflection that fails changes nothing about the run', async () => {
  scriptTheFix(reply().httpError(400, 'The model refused the reflection'));
  const result = await cli.run([
    'run',
    '--approval',
    'full-auto',
    '--json',
    'fix the failing test',
  ]);
  expect(result.code).toBe(0);
  const events = result.stdout
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as { type: string; event?: { data: { type: string; error?: string } } },
    );
  expect(events.find((event) => event.type === 'run.finished')).toMatchObject({
    outcome: 'completed',
  });
  const recorded = events.flatMap((event) => (event.event ? [event.event.data] : []));
  expect(recorded.at(-1)).toMatchObject({ type: 'reflection', proposed: [] });
  expect(recorded.at(-1)?.error).toMatch(/refused the reflection/);
});
