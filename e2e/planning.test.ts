import { reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

const cli = useCliFixture();

const PLAN = {
  subtasks: [
    { goal: 'Find why test_calc.py fails', done: 'the failing line is known' },
    { goal: 'Fix add in calc.py', done: 'python3 test_calc.py passes' },
  ],
};

/** The plan, then subtask 1 (read, answer), subtask 2 (edit, answer), then the reflection. */
function scriptThePlannedFix() {
  cli.server.push(
    reply().text(JSON.stringify(PLAN)),
    reply().toolCall('read_file', { path: 'calc.py' }),
    reply().text('add() subtracts instead of adding.'),
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().text('Fixed add(): it adds now.'),
    reply().text('Nothing to remember.'),
  );
}

interface ChatBody {
  messages: { role: string; content: string }[];
  tools?: unknown[];
  response_format?: { type: string; json_schema?: { name: string } };
}
const bodyOf = (index: number) => cli.server.chatRequests[index]?.body as ChatBody;

describe('outpost run --plan', () => {
  it('makes a plan, works through the subtasks one segment each, and shows it all', async () => {
    scriptThePlannedFix();
    const result = await cli.run(['run', '--plan', '--approval', 'full-auto', 'fix the bug']);

    expect(result.code).toBe(0);
    expect(cli.workspace.read('calc.py')).toContain('return a + b');
    expect(result.stderr).toContain(
      'Plan (2 subtasks):\n' +
        '  1. Find why test_calc.py fails · done when: the failing line is known\n' +
        '  2. Fix add in calc.py · done when: python3 test_calc.py passes\n' +
        '→ subtask 1/2: Find why test_calc.py fails\n',
    );
    expect(result.stderr).toMatch(/✓ subtask 1\/2: Find why test_calc\.py fails\n→ subtask 2\/2/);
    expect(result.stderr).toContain('✓ subtask 2/2: Fix add in calc.py\n');
    expect(result.stdout).toContain('add() subtracts instead of adding.');
    expect(result.stdout).toContain(
      'Finished the plan (2 subtasks):\n' +
        '✓ 1. Find why test_calc.py fails — add() subtracts instead of adding.\n' +
        '✓ 2. Fix add in calc.py — Fixed add(): it adds now.\n',
    );

    // The plan request offers no tools and asks the server for the plan's JSON schema.
    const planRequest = bodyOf(0);
    expect(planRequest.tools ?? []).toEqual([]);
    expect(planRequest.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'outpost_plan' },
    });
    // Subtask 2 starts from its brief alone: subtask 1's read of calc.py is not sent again.
    const second = bodyOf(3);
    expect(second.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(second.messages[1]?.content).toContain('Your subtask now (2 of 2): Fix add in calc.py');
    expect(second.messages[1]?.content).toContain('1. add() subtracts instead of adding.');
    expect(JSON.stringify(bodyOf(2).messages)).toContain('lines 1-2 of 2');
    expect(JSON.stringify(second.messages)).not.toContain('lines 1-2 of 2');

    const [line] = (await cli.run(['sessions', 'list', '--json'])).stdout.trim().split('\n');
    const session = JSON.parse(line ?? '{}') as { id: string };
    const shown = await cli.run(['sessions', 'show', session.id, '--json']);
    const detail = JSON.parse(shown.stdout) as { events: { data: { type: string } }[] };
    const types = detail.events.map((event) => event.data.type);
    expect(types.filter((type) => type === 'handoff')).toHaveLength(2);
    expect(types.filter((type) => type === 'plan-updated')).toHaveLength(4);
    const text = await cli.run(['sessions', 'show', session.id.slice(0, 8)]);
    expect(text.stdout).toMatch(/plan {7}Plan \(2 subtasks\):/);
    expect(text.stdout).toMatch(/handoff {4}coder · subtask 2 of 2/);
    expect(text.stdout).toMatch(/subtask {4}✓ 2 done — Fixed add\(\): it adds now\./);
  });

  it('carries the plan events in --json output', async () => {
    scriptThePlannedFix();
    const result = await cli.run(['run', '--plan', '--json', '--approval', 'full-auto', 'fix it']);

    expect(result.code).toBe(0);
    const recorded = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; event?: { data: { type: string } } })
      .filter((event) => event.type === 'session.event-recorded')
      .map((event) => event.event?.data.type);
    expect(recorded).toContain('plan');
    expect(recorded).toContain('handoff');
    expect(recorded).toContain('plan-updated');
  });

  it('plans nothing for a one-line fix without --plan, and nothing at all with --no-plan', async () => {
    cli.server.push(reply().text('Nothing to change.'), reply().text('Nothing to change.'));
    const plain = await cli.run(['run', '--approval', 'full-auto', 'fix the failing test']);
    const list = [
      'run',
      '--no-plan',
      '--approval',
      'full-auto',
      'Fix a.py, then b.py. Then c.py, and finally d.py.',
    ];
    const off = await cli.run(list);

    expect(plain.code).toBe(0);
    expect(off.code).toBe(0);
    expect(cli.server.chatRequests).toHaveLength(2);
    for (const request of cli.server.chatRequests) {
      expect((request.body as ChatBody).tools?.length).toBeGreaterThan(0);
    }
    expect(plain.stderr + off.stderr).not.toContain('Plan');
  });
});

describe('/plan in an interactive session', () => {
  it('plans the task typed after it, and shows the current plan without one', async () => {
    scriptThePlannedFix();
    const result = await cli.run(['--approval', 'full-auto'], {
      input: '/plan\n/plan fix the bug in calc.py\n/plan\n/exit\n',
    });

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('No plan in this session.');
    expect(cli.workspace.read('calc.py')).toContain('return a + b');
    expect(result.stderr).toContain(
      'Plan for: fix the bug in calc.py (2 of 2 done)\n' +
        '  ✓ 1. Find why test_calc.py fails — add() subtracts instead of adding.\n' +
        '  ✓ 2. Fix add in calc.py — Fixed add(): it adds now.\n',
    );
  });
});
