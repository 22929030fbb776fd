import { PassThrough } from 'node:stream';
import type { SessionEventData } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { createStyle } from './style.js';
import { createTerminalRenderer, resumeNote } from './terminal-renderer.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

describe('createTerminalRenderer', () => {
  it('streams the answer to stdout and tool activity and the summary to stderr', () => {
    const stdout = capture();
    const stderr = capture();
    const render = createTerminalRenderer({
      stdout: stdout.stream,
      stderr: stderr.stream,
      style: createStyle(false),
      spinner: { start: () => undefined, stop: () => undefined },
      showSummary: true,
    });
    const sessionId = '0193ab12-0000-7000-8000-000000000000';
    render({ type: 'assistant.text-streamed', sessionId, step: 0, text: 'Reading' });
    render({
      type: 'tool.call-started',
      sessionId,
      step: 0,
      toolCallId: 'a',
      toolName: 'read_file',
      description: 'read_file a.py',
    });
    render({
      type: 'tool.call-finished',
      sessionId,
      step: 0,
      toolCallId: 'a',
      toolName: 'read_file',
      ok: false,
      summary: 'File a.py does not exist.\nmore',
      errorKind: 'not-found',
    });
    render({ type: 'assistant.text-streamed', sessionId, step: 1, text: 'Done.' });
    render({
      type: 'run.finished',
      sessionId,
      outcome: 'completed',
      finalText: 'Done.',
      totals: { steps: 2, inputTokens: 1234, outputTokens: 56 },
    });

    expect(stdout.text()).toBe('Reading\nDone.\n');
    expect(stderr.text()).toBe(
      '→ read_file a.py\n' +
        '  ✗ not-found: File a.py does not exist.\n' +
        '✓ done · 2 steps · 1,234 tokens in, 56 out · session 0193ab12\n',
    );
  });

  it('names the outcome and the reason when a run does not complete', () => {
    const stderr = capture();
    const render = createTerminalRenderer({
      stdout: new PassThrough(),
      stderr: stderr.stream,
      style: createStyle(false),
      spinner: { start: () => undefined, stop: () => undefined },
      showSummary: true,
    });
    render({
      type: 'run.finished',
      sessionId: 'abcdef12',
      outcome: 'step-limit',
      finalText: '',
      error: { kind: 'step-limit', message: 'Stopped after 3 model calls.' },
      totals: { steps: 3, inputTokens: 0, outputTokens: 0 },
    });
    expect(stderr.text()).toContain('✗ stopped at the step limit: Stopped after 3 model calls.');
  });
});

describe('loop guard events', () => {
  it('prints one line per warning, and leaves the stop to the last line of the run', () => {
    const stderr = capture();
    const render = createTerminalRenderer({
      stdout: new PassThrough(),
      stderr: stderr.stream,
      style: createStyle(false),
      spinner: { start: () => undefined, stop: () => undefined },
      showSummary: true,
    });
    const sessionId = 'abcdef12';
    const intervention = (action: 'note' | 'stop', summary: string) =>
      ({
        type: 'guard.intervened',
        sessionId,
        intervention: {
          type: 'loop-guard',
          step: 2,
          toolCallId: 'c',
          action,
          reason: 'repeated-call',
          summary,
          note: 'Outpost: …',
        },
      }) as const;
    render(intervention('note', 'read_file a.py gave the same result 3 times: told the model'));
    render(intervention('stop', 'Stopped the run: read_file a.py gave the same result 5 times'));
    render({
      type: 'run.finished',
      sessionId,
      outcome: 'stuck',
      finalText: '',
      error: {
        kind: 'stuck',
        message: 'Stopped the run: read_file a.py gave the same result 5 times.',
      },
      totals: { steps: 5, inputTokens: 0, outputTokens: 0 },
    });
    expect(stderr.text()).toBe(
      '  ! read_file a.py gave the same result 3 times: told the model\n' +
        '✗ stuck: Stopped the run: read_file a.py gave the same result 5 times.\n' +
        '  5 steps · 0 tokens in, 0 out · session abcdef12\n',
    );
  });
});

describe('code index events', () => {
  const updated = {
    type: 'index.updated',
    files: 900,
    indexed: 12,
    unchanged: 888,
    removed: 0,
  } as const;
  const renderer = (liveProgress: boolean) => {
    const stderr = capture();
    const render = createTerminalRenderer({
      stdout: new PassThrough(),
      stderr: stderr.stream,
      style: createStyle(false),
      spinner: { start: () => undefined, stop: () => undefined },
      showSummary: true,
      liveProgress,
    });
    return { render, text: stderr.text };
  };

  it('redraws progress in place on a terminal, then says what the build did', () => {
    const { render, text } = renderer(true);
    render({ type: 'index.build-progressed', done: 0, total: 0 });
    render({ type: 'index.build-progressed', done: 3, total: 12 });
    render({ ...updated, durationMs: 400 });
    expect(text()).toBe(
      '\r\u001b[2KIndexing the project… ' +
        '\r\u001b[2KIndexing the project… 3/12 files' +
        '\r\u001b[2K' +
        'Indexed the project: 900 files (12 read now, 888 unchanged, 0 removed) in 0.4 s.\n',
    );
  });

  it('draws no progress on a pipe, and mentions only a slow build', () => {
    const { render, text } = renderer(false);
    render({ type: 'index.build-progressed', done: 3, total: 12 });
    render({ ...updated, durationMs: 300 });
    expect(text()).toBe('');
    render({ ...updated, durationMs: 2500 });
    expect(text()).toBe(
      'Indexed the project: 900 files (12 read now, 888 unchanged, 0 removed) in 2.5 s.\n',
    );
  });

  it('clears the progress line before anything else, and shows why the index is not used', () => {
    const { render, text } = renderer(true);
    render({ type: 'index.build-progressed', done: 1, total: 2 });
    render({ type: 'index.failed', message: 'The code index could not be used (disk full).' });
    expect(text()).toBe(
      '\r\u001b[2KIndexing the project… 1/2 files\r\u001b[2KThe code index could not be used (disk full).\n',
    );
  });
});

describe('resumeNote', () => {
  it('says whether a resumed run re-read the session or reused the model state', () => {
    expect(resumeNote(1221, 1221)).toBe(
      'Resumed by re-reading the session once (1,221 of 1,221 prompt tokens): the model state is not kept between runs; the next steps reuse it.',
    );
    expect(resumeNote(1221, 212)).toBe(
      "Resumed from the model's cached state (212 of 1,221 prompt tokens evaluated).",
    );
    expect(resumeNote(1221, undefined)).toBeUndefined();
  });

  it('prints the plan, marks subtasks as they start and finish, and ends with its summary', () => {
    const stdout = capture();
    const stderr = capture();
    const render = createTerminalRenderer({
      stdout: stdout.stream,
      stderr: stderr.stream,
      style: createStyle(false),
      spinner: { start: () => undefined, stop: () => undefined },
      showSummary: false,
    });
    const sessionId = '0193ab12-0000-7000-8000-000000000000';
    const recorded = (data: SessionEventData, seq: number) =>
      render({
        type: 'session.event-recorded',
        event: { id: `e${seq}`, sessionId, hlc: '', device: 'd', seq, time: 0, data },
      });
    recorded(
      {
        type: 'plan',
        step: 0,
        source: 'forced',
        subtasks: [
          { id: '1', goal: 'Find the bug', done: 'the line is known' },
          { id: '2', goal: 'Fix it', done: 'the tests pass' },
        ],
      },
      1,
    );
    recorded({ type: 'plan-updated', step: 0, subtaskId: '1', status: 'active' }, 2);
    render({ type: 'step.started', sessionId, step: 1 });
    render({ type: 'assistant.text-streamed', sessionId, step: 1, text: 'Found it.' });
    recorded({ type: 'plan-updated', step: 1, subtaskId: '1', status: 'done', note: 'n' }, 3);
    recorded({ type: 'plan-updated', step: 1, subtaskId: '2', status: 'active' }, 4);
    render({ type: 'step.started', sessionId, step: 2 });
    render({ type: 'assistant.text-streamed', sessionId, step: 2, text: 'Fixed.' });
    recorded({ type: 'plan-updated', step: 2, subtaskId: '2', status: 'done', note: 'n' }, 5);
    render({
      type: 'run.finished',
      sessionId,
      outcome: 'completed',
      finalText: 'Finished the plan (2 subtasks):\n✓ 1. Find the bug\n✓ 2. Fix it',
      totals: { steps: 3, inputTokens: 0, outputTokens: 0 },
    });

    expect(stderr.text()).toBe(
      'Plan (2 subtasks):\n' +
        '  1. Find the bug · done when: the line is known\n' +
        '  2. Fix it · done when: the tests pass\n' +
        '→ subtask 1/2: Find the bug\n' +
        '✓ subtask 1/2: Find the bug\n' +
        '→ subtask 2/2: Fix it\n' +
        '✓ subtask 2/2: Fix it\n',
    );
    expect(stdout.text()).toBe(
      'Found it.\nFixed.\nFinished the plan (2 subtasks):\n✓ 1. Find the bug\n✓ 2. Fix it\n',
    );
  });
});
