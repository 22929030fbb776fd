import { PassThrough } from 'node:stream';
import type { RouteEvent } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { formatSessionDetail } from './session-format.js';
import { createStyle } from './style.js';
import { createTerminalRenderer } from './terminal-renderer.js';

const plain = createStyle(false);
const sessionId = '0193ab12-0000-7000-8000-000000000000';

const first: RouteEvent = {
  type: 'route',
  step: 0,
  role: 'coder',
  provider: 'openai-compatible',
  model: 'coder-7b',
  location: 'http://127.0.0.1:8080/v1',
  trigger: 'first',
  reason: 'coder-7b: largest context among local models (32,768); native tools, 21 tok/s',
};
const fallback: RouteEvent = {
  ...first,
  step: 3,
  model: 'coder-3b',
  location: 'http://127.0.0.1:8081/v1',
  trigger: 'unavailable',
  reason: 'coder-7b stopped answering (connection refused); coder-3b: the only local model left',
  fallbackFrom: { provider: 'openai-compatible', model: 'coder-7b', location: first.location },
};

function recorded(data: RouteEvent, seq: number) {
  return { id: `e${seq}`, sessionId, hlc: `h${seq}`, device: 'd', seq, time: 0, data };
}

describe('route events', () => {
  it('print one line in the terminal when the model changes, a fallback marked', () => {
    const stream = new PassThrough();
    let text = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const render = createTerminalRenderer({
      stdout: new PassThrough(),
      stderr: stream,
      style: plain,
      spinner: { start: () => undefined, stop: () => undefined },
      showSummary: false,
    });
    render({ type: 'session.event-recorded', event: recorded(first, 1) });
    render({ type: 'session.event-recorded', event: recorded(fallback, 2) });
    expect(text.split('\n')).toEqual([
      'model for coder: coder-7b: largest context among local models (32,768); native tools, 21 tok/s · http://127.0.0.1:8080/v1',
      '! model for coder: coder-7b stopped answering (connection refused); coder-3b: the only local model left · http://127.0.0.1:8081/v1',
      '',
    ]);
  });

  it('are route lines in `sessions show`', () => {
    const session = {
      id: sessionId,
      title: 'fix add',
      projectRoot: '/p',
      provider: 'openai-compatible',
      model: 'coder-7b',
      status: 'completed' as const,
      createdAt: 0,
      updatedAt: 0,
    };
    const lines = formatSessionDetail(session, [recorded(first, 1), recorded(fallback, 2)], plain)
      .split('\n')
      .filter((line) => line.includes('route'));
    expect(lines.map((line) => line.replace(/^\S+\s+/, ''))).toEqual([
      'route      coder-7b for coder (openai-compatible, http://127.0.0.1:8080/v1) · first: coder-7b: largest context among local models (32,768); native tools, 21 tok/s',
      'route      coder-7b → coder-3b for coder (openai-compatible, http://127.0.0.1:8081/v1) · unavailable: coder-7b stopped answering (connection refused); coder-3b: the only local model left',
    ]);
  });
});
