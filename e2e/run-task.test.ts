import { reply } from '@outpost/test-kit';
import { describe, expect, it } from 'vitest';
import { useCliFixture } from './support/fixture.js';

// No model is named: the CLI asks the server which models it has and picks coder-7b.
const cli = useCliFixture({ models: ['coder-7b'], autoPickModel: true });

function scriptTheFix() {
  cli.server.push(
    reply()
      .text('Let me look at calc.py.')
      .toolCall('read_file', { path: 'calc.py' })
      .usage({ inputTokens: 700, outputTokens: 20 }),
    reply().toolCall('edit_file', {
      path: 'calc.py',
      search: 'return a - b',
      replace: 'return a + b',
    }),
    reply().toolCall('run_command', { command: 'python3 test_calc.py' }),
    reply().text('Fixed add(): it subtracted. The test now passes.'),
    // The end-of-session reflection (the run changed code).
    reply().text('Nothing to remember.'),
  );
}

describe('outpost run', () => {
  it('reads, edits, runs the tests and answers; the session is stored and shown', async () => {
    scriptTheFix();
    const result = await cli.run(['run', '--approval', 'full-auto', 'fix the failing test']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Fixed add(): it subtracted. The test now passes.');
    expect(result.stderr).toContain('Using model coder-7b at');
    expect(result.stderr).toContain('→ read_file calc.py');
    expect(result.stderr).toContain('→ run_command python3 test_calc.py');
    expect(result.stderr).toContain('✓ exit 0');
    expect(cli.workspace.read('calc.py')).toBe('def add(a, b):\n    return a + b\n');

    // The model saw the test output before answering.
    const lastRequest = cli.server.chatRequests[3]?.body as {
      messages: { role: string; content: string }[];
    };
    expect(lastRequest.messages.at(-1)?.content).toContain('1 passed');

    const list = await cli.run(['sessions', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /^[0-9a-f]{8} {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}completed\s+coder-7b {2}fix the failing test$/m,
    );

    const [line] = (await cli.run(['sessions', 'list', '--json'])).stdout.trim().split('\n');
    const session = JSON.parse(line ?? '{}') as { id: string; status: string; projectRoot: string };
    expect(session).toMatchObject({ status: 'completed', projectRoot: cli.workspace.root });

    const shown = await cli.run(['sessions', 'show', session.id.slice(0, 8), '--json']);
    const detail = JSON.parse(shown.stdout) as { events: { data: Record<string, unknown> }[] };
    expect(detail.events.map((event) => event.data.type)).toEqual([
      'project-rules',
      'user-message',
      'model-call',
      'assistant-message',
      'tool-call',
      'tool-result',
      'model-call',
      'assistant-message',
      'tool-call',
      'checkpoint',
      'file-change',
      'tool-result',
      'model-call',
      'assistant-message',
      'tool-call',
      'command-run',
      'tool-result',
      'model-call',
      'assistant-message',
      // Outpost's own check of the change (pytest here, which finds no pytest-style tests).
      'verification',
      'model-call',
      'reflection',
    ]);
    const change = detail.events.find((event) => event.data.type === 'file-change')?.data;
    expect(change).toMatchObject({ path: 'calc.py', linesAdded: 1, linesRemoved: 1 });
    expect(change?.beforeHash).toMatch(/^[0-9a-f]{64}$/);
    const command = detail.events.find((event) => event.data.type === 'command-run')?.data;
    expect(command).toMatchObject({ command: 'python3 test_calc.py', exitCode: 0 });
    const modelCall = detail.events.find((event) => event.data.type === 'model-call')?.data;
    expect(modelCall).toMatchObject({ model: 'coder-7b', inputTokens: 700, outputTokens: 20 });

    const text = await cli.run(['sessions', 'show', session.id]);
    expect(text.stdout).toContain('(completed)');
    expect(text.stdout).toMatch(/file\s+calc\.py {2}\+1 -1/);
    expect(text.stdout).toMatch(/command\s+python3 test_calc\.py · exit 0/);
  });

  it('prints one JSON event per line with --json', async () => {
    scriptTheFix();
    const result = await cli.run([
      'run',
      '--json',
      '--approval',
      'full-auto',
      'fix the failing test',
    ]);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; [key: string]: unknown });
    expect(events[0]).toMatchObject({ type: 'run.started', model: 'coder-7b', resumed: false });
    expect(events.find((event) => event.type === 'run.finished')).toMatchObject({
      type: 'run.finished',
      outcome: 'completed',
      finalText: 'Fixed add(): it subtracted. The test now passes.',
    });
    const kinds = new Set(events.map((event) => event.type));
    for (const kind of [
      'step.started',
      'assistant.text-streamed',
      'tool.call-started',
      'tool.call-finished',
      'session.event-recorded',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('works on a project named with -C from anywhere', async () => {
    scriptTheFix();
    const result = await cli.run(
      ['run', '-C', cli.workspace.root, '--approval', 'full-auto', 'fix it'],
      {
        cwd: cli.workspace.home.replace(/home$/, ''),
      },
    );
    expect(result.code).toBe(0);
    expect(cli.workspace.read('calc.py')).toContain('a + b');
  });
});
