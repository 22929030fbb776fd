import { startFakeLlmServer, reply } from '@outpost/test-kit';
import type { FakeLlmServer } from '@outpost/test-kit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli, startCli, waitFor } from './support/cli.js';
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

it('Ctrl-C during a running command cancels cleanly: exit 130, events kept, session resumable', async () => {
  server.push(
    reply().text('Running the slow tests.').toolCall('run_command', { command: 'sleep 30' }),
  );
  const cli = startCli(['run', '--approval', 'full-auto', 'run the slow tests'], {
    cwd: workspace.root,
    env: env(),
  });
  await waitFor(
    () => cli.output().stderr.includes('→ run_command sleep 30'),
    'the command to start',
  );
  cli.child.kill('SIGINT');
  const result = await cli.done;

  expect(result.code).toBe(130);
  expect(result.stderr).toContain('Cancelling');
  const sessionId = /session ([0-9a-f]{8})/.exec(result.stderr)?.[1] ?? '';
  const shown = JSON.parse(
    (await runCli(['sessions', 'show', sessionId, '--json'], { cwd: workspace.root, env: env() }))
      .stdout,
  ) as {
    session: { status: string };
    events: { data: { type: string; kind?: string; errorKind?: string } }[];
  };
  expect(shown.session.status).toBe('cancelled');
  expect(shown.events.map((event) => event.data.type)).toEqual([
    'user-message',
    'model-call',
    'assistant-message',
    'tool-call',
    'command-run',
    'tool-result',
    'error',
  ]);
  expect(shown.events.at(-2)?.data.errorKind).toBe('cancelled');
  expect(shown.events.at(-1)?.data.kind).toBe('cancelled');

  server.push(reply().text('Skipped the slow tests.'));
  const resumed = await runCli(['sessions', 'resume', sessionId], {
    cwd: workspace.root,
    env: env(),
  });
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain('Skipped the slow tests.');
});

it('Ctrl-C while waiting for the model cancels the request', async () => {
  server.push(reply().hang());
  const cli = startCli(['run', 'think hard'], { cwd: workspace.root, env: env() });
  await waitFor(
    () => server.requests.some((request) => request.path.endsWith('/chat/completions')),
    'the model request',
  );
  cli.child.kill('SIGINT');
  const result = await cli.done;
  expect(result.code).toBe(130);
  expect(result.stderr).toContain('cancelled');
});
