import type { SessionEventData } from '@outpost/protocol';
import { describe, expect, it } from 'vitest';
import {
  appendNotes,
  INITIAL_LOOP_GUARD_STATE,
  normaliseArguments,
  observeLoopGuard,
} from './loop-guard-state.js';
import type { LoopGuardState } from './loop-guard-state.js';

let nextId = 0;

/** One step with one call and its result, as the loop records them. */
function step(
  number: number,
  toolName: string,
  input: object | string,
  result: { ok?: boolean; output: string; errorKind?: string; changed?: string },
): SessionEventData[] {
  nextId += 1;
  const toolCallId = `call_${nextId}`;
  const ok = result.ok ?? true;
  return [
    {
      type: 'tool-call',
      step: number,
      toolCallId,
      toolName,
      arguments: typeof input === 'string' ? input : JSON.stringify(input),
    },
    ...(result.changed === undefined
      ? []
      : [
          {
            type: 'file-change' as const,
            toolCallId,
            path: result.changed,
            beforeHash: 'a',
            afterHash: 'b',
            linesAdded: 1,
            linesRemoved: 1,
            diff: '',
          },
        ]),
    {
      type: 'tool-result',
      step: number,
      toolCallId,
      toolName,
      ok,
      output: result.output,
      ...(ok ? {} : { errorKind: result.errorKind ?? 'no-match' }),
    },
  ];
}

const fold = (events: SessionEventData[], state: LoopGuardState = INITIAL_LOOP_GUARD_STATE) =>
  events.reduce(observeLoopGuard, state);

describe('loop guard state', () => {
  it('counts the same call with the same result, whatever the spelling of its arguments', () => {
    const state = fold([
      ...step(0, 'read_file', { path: 'src/a.ts' }, { output: 'A' }),
      ...step(1, 'read_file', { path: './src/a.ts' }, { output: 'A' }),
      ...step(2, 'read_file', '{"path":"src//a.ts"}', { output: 'A' }),
    ]);
    expect(state.last).toMatchObject({ repeats: 3, progress: false });
    expect(state.idleSteps).toBe(2);
  });

  it('treats a changed result as progress: re-reading after an edit is not a repeat', () => {
    const state = fold([
      ...step(0, 'read_file', { path: 'a.ts' }, { output: 'old' }),
      ...step(1, 'read_file', { path: 'a.ts' }, { output: 'old' }),
      ...step(2, 'read_file', { path: 'a.ts' }, { output: 'new' }),
    ]);
    expect(state.last).toMatchObject({ repeats: 1, progress: true });
    expect(state.idleSteps).toBe(0);
  });

  it('counts a failed edit per file until the file changes', () => {
    const failed = { ok: false, output: 'Error (no-match): a.ts: not found' };
    const twice = fold([
      ...step(0, 'edit_file', { path: 'a.ts', search: 'x', replace: 'y' }, failed),
      ...step(1, 'edit_file', { path: './a.ts', search: 'z', replace: 'y' }, failed),
    ]);
    expect(twice.last?.failedEdit).toEqual({ path: 'a.ts', failures: 2 });
    const written = fold(
      step(2, 'write_file', { path: 'a.ts', content: 'y' }, { output: 'Wrote', changed: 'a.ts' }),
      twice,
    );
    expect(written.failedEdits.size).toBe(0);
    expect(written.errors.size).toBe(0);
  });

  it('compares a result without the notes the guard appended to it', () => {
    const first = fold(step(0, 'list_files', {}, { output: 'a.ts' }));
    const events = step(1, 'list_files', {}, { output: appendNotes('a.ts', ['Outpost: stop.']) });
    const [call, result] = events;
    const note: SessionEventData = {
      type: 'loop-guard',
      step: 1,
      toolCallId: call?.type === 'tool-call' ? call.toolCallId : '',
      action: 'note',
      reason: 'repeated-call',
      summary: 's',
      note: 'Outpost: stop.',
    };
    const state = fold([call as SessionEventData, note, result as SessionEventData], first);
    expect(state.last).toMatchObject({ repeats: 2, progress: false });
    expect(state.warnings).toBe(1);
    expect(state.notes.size).toBe(0);
  });

  it('starts afresh at a handoff: a subtask reading the file again is no repeat', () => {
    const read = (number: number) => step(number, 'read_file', { path: 'a.ts' }, { output: 'A' });
    const handoff: SessionEventData = {
      type: 'handoff',
      step: 2,
      role: 'coder',
      brief: 'Subtask two.',
      subtaskId: '2',
      reason: 'subtask 2 of 2',
    };
    const state = fold([...read(0), ...read(1), handoff, ...read(3)]);
    expect(state.last).toMatchObject({ repeats: 1, progress: true });
  });

  it('never changes the state it is given', () => {
    const before = fold(step(0, 'read_file', { path: 'a.ts' }, { output: 'A' }));
    const snapshot = structuredClone(before);
    fold(step(1, 'read_file', { path: 'a.ts' }, { output: 'A' }), before);
    expect(before).toEqual(snapshot);
  });

  it('normalises arguments by meaning, and keeps text that is not JSON as it is', () => {
    expect(normaliseArguments('{"b": 1, "path": "./x/"}')).toBe(
      normaliseArguments('{"path":"x","b":1}'),
    );
    expect(normaliseArguments(' {"path": ')).toBe('{"path":');
  });
});
