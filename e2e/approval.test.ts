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

const env = () => ({
  OUTPOST_HOME: workspace.home,
  OUTPOST_BASE_URL: server.baseUrl,
  OUTPOST_MODEL: 'fake-model',
});
const lastToolReply = (index: number) =>
  (server.requests[index]?.body as { messages: { content: string }[] }).messages.at(-1)?.content ??
  '';

it('under the default policy a non-interactive run refuses edits and commands and tells the model', async () => {
  server.push(
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().toolCall('run_command', { command: 'touch ran.txt' }),
    reply().text('I was not allowed to change anything.'),
  );
  const result = await runCli(['run', 'fix add'], { cwd: workspace.root, env: env() });

  expect(result.code).toBe(0);
  expect(workspace.read('calc.py')).toBe(BUGGY_CALC);
  expect(() => workspace.read('ran.txt')).toThrow();
  expect(lastToolReply(1)).toContain('edit_file was not run: the approval policy "ask"');
  expect(lastToolReply(2)).toContain('run_command was not run');
  expect(result.stderr).toContain('✗ not-approved');
});

it('auto-edit edits freely but still refuses commands nobody confirmed', async () => {
  server.push(
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().toolCall('run_command', { command: 'touch ran.txt' }),
    reply().text('Edited; could not run the tests.'),
  );
  const result = await runCli(['run', '--approval', 'auto-edit', 'fix add'], {
    cwd: workspace.root,
    env: env(),
  });

  expect(result.code).toBe(0);
  expect(workspace.read('calc.py')).toContain('return a + b');
  expect(() => workspace.read('ran.txt')).toThrow();
  expect(lastToolReply(2)).toContain('run_command was not run');
});

it('read-only offers the model no tools that change anything', async () => {
  server.push(reply().text('Here is what I found.'));
  const result = await runCli(['run', '--approval', 'read-only', 'explain calc.py'], {
    cwd: workspace.root,
    env: { ...env(), OUTPOST_APPROVAL: 'full-auto' },
  });
  expect(result.code).toBe(0);
  const body = server.requests[0]?.body as { tools: { function: { name: string } }[] };
  expect(body.tools.map((tool) => tool.function.name)).toEqual([
    'read_file',
    'list_files',
    'search_code',
  ]);
});
