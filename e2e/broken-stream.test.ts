import { reply } from '@outpost/test-kit';
import { expect, it } from 'vitest';
import { useCliFixture, userText } from './support/fixture.js';

const cli = useCliFixture();

type Shown = {
  session: { status: string };
  events: { data: { type: string; partial?: boolean } }[];
};

it('keeps every event when the server dies mid-stream, and `sessions resume` continues', async () => {
  cli.server.push(
    reply().toolCall('read_file', { path: 'calc.py' }),
    reply().text('The problem is the minus sign, so I will now').dieAfter(4),
  );
  const failed = await cli.run(['run', '--approval', 'full-auto', 'fix add']);

  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(
    /✗ failed: The connection to the model server at http:\/\/127\.0\.0\.1:\d+\/v1 broke/,
  );
  const sessionId = /session ([0-9a-f]{8})/.exec(failed.stderr)?.[1] ?? '';
  expect(sessionId).not.toBe('');

  const shownAfterFailure = JSON.parse(
    (await cli.run(['sessions', 'show', sessionId, '--json'])).stdout,
  ) as Shown;
  expect(shownAfterFailure.session.status).toBe('failed');
  expect(shownAfterFailure.events.map((event) => event.data.type)).toEqual([
    'project-rules',
    'user-message',
    'model-call',
    'assistant-message',
    'tool-call',
    'tool-result',
    'model-call',
    'assistant-message',
    'error',
  ]);
  expect(shownAfterFailure.events[7]?.data.partial).toBe(true);

  cli.server.push(
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().text('Fixed the sign.'),
    // The end-of-session reflection (the resumed run changed code).
    reply().text('Nothing to remember.'),
  );
  const resumed = await cli.run(['sessions', 'resume', sessionId, '--approval', 'full-auto']);

  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain('Fixed the sign.');
  expect(cli.workspace.read('calc.py')).toContain('return a + b');
  // The resumed request carries the whole history, without the cut-off text.
  const body = cli.server.chatRequests.at(-3)?.body as {
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
    (await cli.run(['sessions', 'show', sessionId, '--json'])).stdout,
  ) as Shown;
  expect(shownAfterResume.session.status).toBe('completed');
  expect(shownAfterResume.events.slice(-4).map((event) => event.data.type)).toEqual([
    'assistant-message',
    // Outpost's own check of the change before it accepted the answer.
    'verification',
    'model-call',
    'reflection',
  ]);
});

it('refuses to resume a finished session without a message when nobody can be asked', async () => {
  cli.server.push(reply().text('All good.'));
  const first = await cli.run(['run', 'check things']);
  const sessionId = /session ([0-9a-f]{8})/.exec(first.stderr)?.[1] ?? '';

  const again = await cli.run(['sessions', 'resume', sessionId]);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('ended with an answer, so there is nothing to continue');

  cli.server.push(reply().text('Changelog updated.'));
  const followUp = await cli.run(['sessions', 'resume', sessionId, 'now', 'the', 'changelog']);
  expect(followUp.code).toBe(0);
  const body = cli.server.chatRequests.at(-1)?.body as {
    messages: { role: string; content: string }[];
  };
  expect(
    body.messages.map((message) => [
      message.role,
      message.role === 'user' ? userText(message.content) : message.content,
    ]),
  ).toEqual([
    ['system', expect.any(String)],
    ['user', 'check things'],
    ['assistant', 'All good.'],
    ['user', 'now the changelog'],
  ]);
});
