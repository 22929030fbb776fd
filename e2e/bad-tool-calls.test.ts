import { startFakeLlmServer, reply } from '@outpost/test-kit';
import type { FakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { BUGGY_CALC, createWorkspace } from './support/project.js';
import type { E2eWorkspace } from './support/project.js';

let server: FakeLlmServer;
let workspace: E2eWorkspace;

beforeEach(async () => {
  server = await startFakeLlmServer();
  workspace = createWorkspace();
});
afterEach(async () => {
  await server.close();
  workspace.cleanup();
});

type WireMessage = { role: string; content: string; tool_call_id?: string };

it('answers malformed arguments, unknown tools, escaping paths and missing search text with errors, and goes on', async () => {
  server.push(
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
  );
  const result = await runCli(['run', '--approval', 'full-auto', 'fix add'], {
    cwd: workspace.root,
    env: {
      OUTPOST_HOME: workspace.home,
      OUTPOST_BASE_URL: server.baseUrl,
      OUTPOST_MODEL: 'fake-model',
    },
  });

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Fixed after a few tries.');
  expect(
    server.requests.filter((request) => request.path.endsWith('/chat/completions')),
  ).toHaveLength(7);
  const toolReply = (index: number) => {
    const body = server.requests[index]?.body as { messages: WireMessage[] };
    const last = body.messages.at(-1);
    expect(last?.role).toBe('tool');
    return last?.content ?? '';
  };
  expect(toolReply(1)).toMatch(
    /^Error \(invalid-arguments\): The arguments of read_file are not valid JSON/,
  );
  expect(toolReply(2)).toContain('There is no tool named "format_disk"');
  expect(toolReply(3)).toMatch(/^Error \(outside-project\)/);
  expect(toolReply(4)).toMatch(/^Error \(outside-project\)/);
  expect(toolReply(5)).toMatch(/^Error \(no-match\)/);
  expect(toolReply(5)).toContain('return a - b'); // the closest real line, for the retry
  expect(toolReply(6)).not.toContain('Error');
  expect(workspace.read('calc.py')).toBe(BUGGY_CALC.replace('a - b', 'a + b'));
  expect(result.stderr).toMatch(/✗ invalid-arguments/);
  expect(result.stderr).toMatch(/✗ unknown-tool/);
});
