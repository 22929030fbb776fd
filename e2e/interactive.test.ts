import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture, userText } from './support/fixture.js';

const cli = useCliFixture();

it('runs a multi-turn session from typed lines, with /help and /exit', async () => {
  cli.server.push(
    reply().text('calc.py defines add().'),
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().text('Fixed.'),
    // The reflection as the session ends (it changed code): nothing proposed, nothing asked.
    reply().text('Nothing to remember.'),
  );
  const result = await cli.run([], {
    // The "y" answers the approval question for edit_file (policy "ask").
    input: 'what is in calc.py?\n/help\nnow fix add\ny\n/exit\n',
  });

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('calc.py defines add().');
  expect(result.stdout).toContain('Fixed.');
  expect(result.stderr).toContain('/session');
  expect(result.stdout).toContain('Allow edit_file calc.py?');
  expect(cli.workspace.read('calc.py')).toContain('return a + b');
  // One session, two user turns: the second request carries the first exchange.
  const second = cli.server.chatRequests[1]?.body as {
    messages: { role: string; content: string }[];
  };
  expect(
    second.messages
      .filter((message) => message.role === 'user')
      .map((message) => userText(message.content)),
  ).toEqual(['what is in calc.py?', 'now fix add']);
  const saved = /Session ([0-9a-f-]{36}) saved/.exec(result.stderr)?.[1];
  expect(saved).toBeDefined();
  const list = await cli.run(['sessions', 'list', '--json']);
  expect(list.stdout.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(list.stdout) as { id: string; title: string }).toMatchObject({
    id: saved,
    title: 'what is in calc.py?',
  });
});

it('stores nothing when the user leaves without typing a task', async () => {
  const result = await cli.run([], { input: '/exit\n' });
  expect(result.code).toBe(0);
  const list = await cli.run(['sessions', 'list']);
  expect(list.stderr).toContain('No sessions yet');
});
