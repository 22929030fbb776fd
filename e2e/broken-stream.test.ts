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

type Shown = {
  session: { status: string };
  events: { data: { type: string; partial?: boolean } }[];
};

it('keeps every event when the server dies mid-stream, and `sessions resume` continues', async () => {
  const env = {
    OUTPOST_HOME: workspace.home,
    OUTPOST_BASE_URL: server.baseUrl,
    OUTPOST_MODEL: 'fake-model',
  };
  server.push(
    reply().toolCall('read_file', { path: 'calc.py' }),
    reply().text('The problem is the minus sign, so I will now').dieAfter(4),
  );
  const failed = await runCli(['run', '--approval', 'full-auto', 'fix add'], {
    cwd: workspace.root,
    env,
  });

  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(
    /✗ failed: The connection to the model server at http:\/\/127\.0\.0\.1:\d+\/v1 broke/,
  );
  const sessionId = /session ([0-9a-f]{8})/.exec(failed.stderr)?.[1] ?? '';
  expect(sessionId).not.toBe('');

  const shownAfterFailure = JSON.parse(
    (await runCli(['sessions', 'show', sessionId, '--json'], { cwd: workspace.root, env })).stdout,
  ) as Shown;
  expect(shownAfterFailure.session.status).toBe('failed');
  expect(shownAfterFailure.events.map((event) => event.data.type)).toEqual([
    'user-message',
    'model-call',
    'assistant-message',
    'tool-call',
    'tool-result',
    'model-call',
    'assistant-message',
    'error',
  ]);
  expect(shownAfterFailure.events[6]?.data.partial).toBe(true);

  server.push(
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().text('Fixed the sign.'),
  );
  const resumed = await runCli(['sessions', 'resume', sessionId, '--approval', 'full-auto'], {
    cwd: workspace.root,
    env,
  });

  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain('Fixed the sign.');
  expect(workspace.read('calc.py')).toContain('return a + b');
  // The resumed request carries the whole history, without the cut-off text.
  const body = server.requests.at(-2)?.body as {
    messages: { role: string; content: string | null }[];
  };
  expect(body.messages.map((message) => message.role)).toEqual([
    'system',
    'user',
    'assistant',
    'tool',
  ]);
  expect(JSON.stringify(body)).not.toContain('so I will now');

  const shownAfterResume = JSON.parse(
    (await runCli(['sessions', 'show', sessionId, '--json'], { cwd: workspace.root, env })).stdout,
  ) as Shown;
  expect(shownAfterResume.session.status).toBe('completed');
  expect(shownAfterResume.events.at(-1)?.data.type).toBe('assistant-message');
});

it('refuses to resume a finished session without a message when nobody can be asked', async () => {
  const env = {
    OUTPOST_HOME: workspace.home,
    OUTPOST_BASE_URL: server.baseUrl,
    OUTPOST_MODEL: 'fake-model',
  };
  server.push(reply().text('All good.'));
  const first = await runCli(['run', 'check things'], { cwd: workspace.root, env });
  const sessionId = /session ([0-9a-f]{8})/.exec(first.stderr)?.[1] ?? '';

  const again = await runCli(['sessions', 'resume', sessionId], { cwd: workspace.root, env });
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('ended with an answer, so there is nothing to continue');

  server.push(reply().text('Changelog updated.'));
  const followUp = await runCli(['sessions', 'resume', sessionId, 'now', 'the', 'changelog'], {
    cwd: workspace.root,
    env,
  });
  expect(followUp.code).toBe(0);
  const body = server.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
  expect(body.messages.map((message) => [message.role, message.content])).toEqual([
    ['system', expect.any(String)],
    ['user', 'check things'],
    ['assistant', 'All good.'],
    ['user', 'now the changelog'],
  ]);
});
