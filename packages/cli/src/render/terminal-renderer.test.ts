import { PassThrough } from 'node:stream';
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
});
