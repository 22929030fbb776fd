import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';
import { BUGGY_CALC } from './support/project.js';

const cli = useCliFixture();

it('answers malformed arguments, unknown tools, escaping paths and missing search text with errors, and goes on', async () => {
  cli.server.push(
    reply().rawToolCall('read_file', '{"path": "calc.py",'),
    reply().toolCall('format_disk', { drive: 'c' }),
    reply().toolCall('read_file', { path: '../../../../etc/passwd' }),
    reply().toolCall('write_file', { path: '/tmp/outside-outpost.txt', content: 'x' }),
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a * b',
      replace: 'return a + b',
    }),
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().text('Fixed after a few tries.'),
    // The end-of-session reflection (the run changed code).
    reply().text('Nothing to remember.'),
  );
  const result = await cli.run(['run', '--approval', 'full-auto', 'fix add']);

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Fixed after a few tries.');
  expect(
    cli.server.requests.filter((request) => request.path.endsWith('/chat/completions')),
  ).toHaveLength(8);
  expect(cli.lastMessageOf(1)).toMatch(
    /^Error \(invalid-arguments\): The arguments of read_file are not valid JSON/,
  );
  expect(cli.lastMessageOf(2)).toContain('There is no tool named "format_disk"');
  expect(cli.lastMessageOf(3)).toMatch(/^Error \(outside-project\)/);
  expect(cli.lastMessageOf(4)).toMatch(/^Error \(outside-project\)/);
  expect(cli.lastMessageOf(5)).toMatch(/^Error \(no-match\)/);
  expect(cli.lastMessageOf(5)).toContain('return a - b'); // the closest real line, for the retry
  expect(cli.lastMessageOf(6)).not.toContain('Error');
  expect(cli.workspace.read('calc.py')).toBe(BUGGY_CALC.replace('a - b', 'a + b'));
  expect(result.stderr).toMatch(/✗ invalid-arguments/);
  expect(result.stderr).toMatch(/✗ unknown-tool/);
});
