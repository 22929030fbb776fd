import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { waitFor } from './support/cli.js';
import { useCliFixture } from './support/fixture.js';

const cli = useCliFixture();

it('Ctrl-C during a running command cancels cleanly: exit 130, events kept, session resumable', async () => {
  cli.server.push(
    reply().text('Running the slow tests.').toolCall('run_command', { command: 'sleep 30' }),
  );
  const running = cli.start(['run', '--approval', 'full-auto', 'run the slow tests']);
  await waitFor(
    () => running.output().stderr.includes('→ run_command sleep 30'),
    'the command to start',
  );
  running.child.kill('SIGINT');
  const result = await running.done;

  expect(result.code).toBe(130);
  expect(result.stderr).toContain('Cancelling');
  const sessionId = /session ([0-9a-f]{8})/.exec(result.stderr)?.[1] ?? '';
  const shown = JSON.parse((await cli.run(['sessions', 'show', sessionId, '--json'])).stdout) as {
    session: { status: string };
    events: { data: { type: string; kind?: string; errorKind?: string } }[];
  };
  expect(shown.session.status).toBe('cancelled');
  expect(shown.events.map((event) => event.data.type)).toEqual([
    'project-rules',
    'user-message',
    'model-call',
    'assistant-message',
    'tool-call',
    // The first command of the session may change files: the tree is saved first (outpost undo).
    'checkpoint',
    'command-run',
    'tool-result',
    'error',
  ]);
  expect(shown.events.at(-2)?.data.errorKind).toBe('cancelled');
  expect(shown.events.at(-1)?.data.kind).toBe('cancelled');

  cli.server.push(reply().text('Skipped the slow tests.'));
  const resumed = await cli.run(['sessions', 'resume', sessionId]);
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain('Skipped the slow tests.');
});

it('Ctrl-C while waiting for the model cancels the request', async () => {
  cli.server.push(reply().hang());
  const running = cli.start(['run', 'think hard']);
  await waitFor(
    () => cli.server.requests.some((request) => request.path.endsWith('/chat/completions')),
    'the model request',
  );
  running.child.kill('SIGINT');
  const result = await running.done;
  expect(result.code).toBe(130);
  expect(result.stderr).toContain('cancelled');
});
