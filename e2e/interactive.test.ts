import { startFakeLlmServer, reply } from '@outpost/test-kit';
import type { FakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { createWorkspace } from './support/project.js';
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

it('runs a multi-turn session from typed lines, with /help and /exit', async () => {
  server.push(
    reply().text('calc.py defines add().'),
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().text('Fixed.'),
  );
  const result = await runCli([], {
    cwd: workspace.root,
    env: env(),
    // The "y" answers the approval question for edit_file (policy "ask").
    input: 'what is in calc.py?\n/help\nnow fix add\ny\n/exit\n',
  });

  expect(result.code).toBe(0);
  expect(result.stdout).toContain('calc.py defines add().');
  expect(result.stdout).toContain('Fixed.');
  expect(result.stderr).toContain('/session');
  expect(result.stdout).toContain('Allow edit_file calc.py?');
  expect(workspace.read('calc.py')).toContain('return a + b');
  // One session, two user turns: the second request carries the first exchange.
  const second = server.requests[1]?.body as { messages: { role: string; content: string }[] };
  expect(
    second.messages.filter((message) => message.role === 'user').map((message) => message.content),
  ).toEqual(['what is in calc.py?', 'now fix add']);
  const saved = /Session ([0-9a-f-]{36}) saved/.exec(result.stderr)?.[1];
  expect(saved).toBeDefined();
  const list = await runCli(['sessions', 'list', '--json'], { cwd: workspace.root, env: env() });
  expect(list.stdout.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(list.stdout) as { id: string; title: string }).toMatchObject({
    id: saved,
    title: 'what is in calc.py?',
  });
});

it('stores nothing when the user leaves without typing a task', async () => {
  const result = await runCli([], { cwd: workspace.root, env: env(), input: '/exit\n' });
  expect(result.code).toBe(0);
  const list = await runCli(['sessions', 'list'], { cwd: workspace.root, env: env() });
  expect(list.stderr).toContain('No sessions yet');
});
