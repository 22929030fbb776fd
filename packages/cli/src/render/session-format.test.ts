import type { Session, SessionEvent, SessionEventData } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import { formatSessionDetail, formatSessionLine } from './session-format.js';
import { createStyle } from './style.js';

const style = createStyle(false);
const session: Session = {
  id: '0193ab12-3456-7000-8000-000000000000',
  title: 'fix   the\nparser',
  projectRoot: '/src/app',
  provider: 'openai-compatible',
  model: 'qwen2.5-coder-7b',
  status: 'failed',
  createdAt: new Date(2026, 10, 24, 9, 5).getTime(),
  updatedAt: new Date(2026, 10, 24, 9, 6).getTime(),
};

function event(data: SessionEventData, index: number): SessionEvent {
  return {
    id: `e${index}`,
    sessionId: session.id,
    hlc: '',
    device: 'd',
    seq: index,
    time: session.createdAt,
    data,
  };
}

describe('formatSessionLine', () => {
  it('shows id, time, outcome, model and a one-line title', () => {
    expect(formatSessionLine({ ...session, firstUserMessage: 'x' }, style)).toBe(
      '0193ab12  2026-11-24 09:05  failed      qwen2.5-coder-7b  fix the parser',
    );
  });

  it('falls back to the first user message when there is no title', () => {
    expect(
      formatSessionLine({ ...session, title: '', firstUserMessage: 'hello there' }, style),
    ).toMatch(/hello there$/);
  });
});

describe('formatSessionDetail', () => {
  it('sums tokens over model calls and shows every kind of event', () => {
    const text = formatSessionDetail(
      session,
      [
        { type: 'user-message', text: 'fix the parser' },
        {
          type: 'model-call',
          step: 0,
          provider: 'p',
          model: 'm',
          inputTokens: 1000,
          outputTokens: 20,
          timeToFirstTokenMs: 1500,
          durationMs: 2100,
          finishReason: 'tool-calls',
        },
        {
          type: 'tool-call',
          step: 0,
          toolCallId: 't',
          toolName: 'run_command',
          arguments: '{"command":"pytest"}',
        },
        {
          type: 'command-run',
          toolCallId: 't',
          command: 'pytest',
          exitCode: 1,
          signal: null,
          timedOut: false,
          durationMs: 3200,
          outputExcerpt: '1 failed',
        },
        {
          type: 'tool-result',
          step: 0,
          toolCallId: 't',
          toolName: 'run_command',
          ok: true,
          output: 'exit code 1',
        },
        {
          type: 'file-change',
          toolCallId: 'u',
          path: 'parser.py',
          beforeHash: 'a'.repeat(64),
          afterHash: 'b'.repeat(64),
          linesAdded: 3,
          linesRemoved: 1,
          diff: '',
        },
        {
          type: 'model-call',
          step: 1,
          provider: 'p',
          model: 'm',
          inputTokens: 1200,
          outputTokens: 5,
          timeToFirstTokenMs: null,
          durationMs: 100,
          finishReason: 'error',
        },
        { type: 'error', kind: 'model', message: 'The connection broke.', step: 1 },
      ].map((data, index) => event(data as SessionEventData, index)),
      style,
    );
    expect(text).toContain('Tokens   2,200 in · 25 out in 2 model calls');
    expect(text).toMatch(/model\s+m · 1000 → 20 tokens · first token 1\.5 s · 2\.1 s · tool-calls/);
    expect(text).toMatch(/command\s+pytest · exit 1 · 3\.2 s\n\s+1 failed/);
    expect(text).toMatch(/file\s+parser\.py {2}\+3 -1 {2}aaaaaaaaaa → bbbbbbbbbb/);
    expect(text).toMatch(/error\s+model: The connection broke\./);
  });

  it('shows what a reflection proposed and dropped, or why it proposed nothing', () => {
    const recordId = '01a2108e-8ebc-72a2-8b8b-0884facb3ae7';
    const text = formatSessionDetail(
      session,
      [
        {
          type: 'reflection',
          step: 4,
          proposed: [{ recordId, kind: 'fix', title: 'add() must add' }],
          dropped: [{ reason: 'A call to read_file: only remember calls are taken.' }],
        },
        { type: 'reflection', step: 6, proposed: [], dropped: [], error: 'Server answered 500.' },
      ].map((data, index) => event(data as SessionEventData, index)),
      style,
    );
    expect(text).toContain(
      [
        'reflection proposed 1 memory record',
        `                     fix add() must add  ${recordId}`,
        '                     dropped: A call to read_file: only remember calls are taken.',
      ].join('\n'),
    );
    expect(text).toMatch(/reflection nothing proposed: Server answered 500\./);
  });

  it('shows a checkpoint, one that failed, and an undo', () => {
    const snapshot = {
      type: 'checkpoint' as const,
      ref: 'refs/outpost/checkpoints/x',
      repository: 'project' as const,
      leftOut: [],
    };
    const events: SessionEventData[] = [
      { ...snapshot, reason: 'before-write', commit: 'c'.repeat(40), files: 12 },
      { ...snapshot, reason: 'before-write', commit: null, files: 0, error: 'git failed' },
      {
        ...snapshot,
        reason: 'undo',
        commit: 'd'.repeat(40),
        files: 13,
        restored: { commit: 'c'.repeat(40), written: 2, deleted: 1 },
      },
    ];
    const text = formatSessionDetail(session, events.map(event), style);
    expect(text).toMatch(
      /checkpoint the working tree before the first change \(12 files\) cccccccccc\n/,
    );
    expect(text).toMatch(/checkpoint none taken: git failed\n/);
    expect(text).toMatch(
      /undo {7}put back cccccccccc: 2 written, 1 deleted; the tree it replaced is dddddddddd$/,
    );
  });

  it('shows a plan, its subtasks as they change, and each handoff', () => {
    const events: SessionEventData[] = [
      {
        type: 'plan',
        step: 0,
        source: 'heuristic',
        subtasks: [
          { id: '1', goal: 'Find the bug', done: 'the line is known' },
          { id: '2', goal: 'Fix it', done: 'the tests pass' },
        ],
      },
      { type: 'plan-updated', step: 0, subtaskId: '1', status: 'active' },
      {
        type: 'handoff',
        step: 0,
        role: 'coder',
        brief: 'x'.repeat(42),
        subtaskId: '1',
        reason: 'subtask 1 of 2',
      },
      { type: 'plan-updated', step: 3, subtaskId: '1', status: 'done', note: 'add subtracts.' },
      { type: 'plan', step: 5, source: 'forced', subtasks: [], reason: 'No JSON.' },
    ];
    const text = formatSessionDetail(session, events.map(event), style);
    expect(text).toMatch(/plan {7}Plan \(2 subtasks, heuristic\):\n/);
    expect(text).toMatch(/ {21} {2}1\. Find the bug · done when: the line is known\n/);
    expect(text).toMatch(/subtask {4}→ 1 active\n/);
    expect(text).toMatch(/handoff {4}coder · subtask 1 of 2 \(brief of 42 characters\)\n/);
    expect(text).toMatch(/subtask {4}✓ 1 done — add subtracts\.\n/);
    expect(text).toMatch(/plan {7}No plan \(forced\): No JSON\.$/);
  });
});
