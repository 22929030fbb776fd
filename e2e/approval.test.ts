import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';
import { BUGGY_CALC } from './support/project.js';

const cli = useCliFixture();

it('under the default policy a non-interactive run refuses edits and commands and tells the model', async () => {
  cli.server.push(
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().toolCall('run_command', { command: 'touch ran.txt' }),
    reply().text('I was not allowed to change anything.'),
  );
  const result = await cli.run(['run', 'fix add']);

  expect(result.code).toBe(0);
  expect(cli.workspace.read('calc.py')).toBe(BUGGY_CALC);
  expect(() => cli.workspace.read('ran.txt')).toThrow();
  expect(cli.lastMessageOf(1)).toContain('edit_file was not run: the approval policy "ask"');
  expect(cli.lastMessageOf(2)).toContain('run_command was not run');
  expect(result.stderr).toContain('✗ not-approved');
});

it('auto-edit edits freely but still refuses commands nobody confirmed', async () => {
  cli.server.push(
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().toolCall('run_command', { command: 'touch ran.txt' }),
    reply().text('Edited; could not run the tests.'),
    // The end-of-session reflection (the run changed code).
    reply().text('Nothing to remember.'),
  );
  const result = await cli.run(['run', '--approval', 'auto-edit', 'fix add']);

  expect(result.code).toBe(0);
  expect(cli.workspace.read('calc.py')).toContain('return a + b');
  expect(() => cli.workspace.read('ran.txt')).toThrow();
  expect(cli.lastMessageOf(2)).toContain('run_command was not run');
});

it('read-only offers the model no tools that change anything, whatever the environment says', async () => {
  cli.server.push(reply().text('Here is what I found.'));
  const result = await cli.run(['run', '--approval', 'read-only', 'explain calc.py'], {
    env: { OUTPOST_APPROVAL: 'full-auto' },
  });
  expect(result.code).toBe(0);
  const body = cli.server.chatRequests[0]?.body as { tools: { function: { name: string } }[] };
  expect(body.tools.map((tool) => tool.function.name)).toEqual([
    'read_file',
    'list_files',
    'search_code',
  ]);
});
