import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { LoopGuardEvent, SessionEvent, SessionEventData } from '@outpost/protocol';

/** What the loop guard knows of the tool result it saw last (what `assessLoop` judges). */
export interface LastResult {
  toolCallId: string;
  step: number;
  toolName: string;
  /** The raw argument text of the call. */
  arguments: string;
  ok: boolean;
  errorKind: string | undefined;
  /** A file changed, or the call gave a result not seen since the last reset. */
  progress: boolean;
  /** How often this call has given this result since the last progress. */
  repeats: number;
  /** How often this error (kind and message) came since the last progress; 0 for a success. */
  errors: number;
  /** The file of a failed edit_file (search text not found or ambiguous), and its failures. */
  failedEdit: { path: string; failures: number } | undefined;
  /** This result was the last of its step, and the step made no progress. */
  closedIdleStep: boolean;
}

/**
 * The loop guard's memory, derived from a session's events only (`loopGuardStateOf`), so a
 * resumed session judges the model exactly as the run that was interrupted would have. Updated
 * with `observeLoopGuard`, which never changes the state it is given.
 */
export interface LoopGuardState {
  /** Fingerprints of the successful (call, result) pairs since the last reset. */
  readonly seen: ReadonlySet<string>;
  /** (call, result) fingerprint → times since the last progress. */
  readonly repeats: ReadonlyMap<string, number>;
  /** (error kind, message) fingerprint → times since the last progress. */
  readonly errors: ReadonlyMap<string, number>;
  /** Steps in a row, ending with the last finished one, that made no progress. */
  readonly idleSteps: number;
  /** Warnings (`note`, `strategy`) and stops since the last progress: the escalation level. */
  readonly warnings: number;
  /** The step whose tool results are coming in, and how many are still to come. */
  readonly step: number | undefined;
  readonly pendingCalls: number;
  readonly stepProgress: boolean;
  /** The last step the guard warned in (it warns at most once a step). */
  readonly warnedStep: number | undefined;
  /** Calls waiting for their result: id → name and arguments. */
  readonly calls: ReadonlyMap<string, { toolName: string; arguments: string }>;
  /** Notes the guard appended to a result not seen yet, by tool call id (stripped to compare). */
  readonly notes: ReadonlyMap<string, readonly string[]>;
  /** Calls whose file change was recorded, waiting for their result (a change is progress). */
  readonly changedBy: ReadonlySet<string>;
  /** Failed edit_file calls per file since the file last changed. */
  readonly failedEdits: ReadonlyMap<string, number>;
  /** Files the edit fallback has already been given for (since they last changed). */
  readonly fallbacks: ReadonlyMap<string, 'rewrite-file' | 'reread-file'>;
  /** Set by a `stop` intervention until the run has stopped (`error` of kind `stuck`). */
  readonly stop: LoopGuardEvent | undefined;
  readonly last: LastResult | undefined;
}

export const INITIAL_LOOP_GUARD_STATE: LoopGuardState = {
  seen: new Set(),
  repeats: new Map(),
  errors: new Map(),
  idleSteps: 0,
  warnings: 0,
  step: undefined,
  pendingCalls: 0,
  stepProgress: false,
  warnedStep: undefined,
  calls: new Map(),
  notes: new Map(),
  changedBy: new Set(),
  failedEdits: new Map(),
  fallbacks: new Map(),
  stop: undefined,
  last: undefined,
};

/** The guard's state after a session's events, as a run starting now (or resuming) sees it. */
export function loopGuardStateOf(events: readonly SessionEvent[]): LoopGuardState {
  return events.reduce(
    (state, event) => observeLoopGuard(state, event.data),
    INITIAL_LOOP_GUARD_STATE,
  );
}

type Mutable<T> = { -readonly [Key in keyof T]: T[Key] };
type Working = Mutable<LoopGuardState> & {
  seen: Set<string>;
  repeats: Map<string, number>;
  errors: Map<string, number>;
  calls: Map<string, { toolName: string; arguments: string }>;
  notes: Map<string, readonly string[]>;
  changedBy: Set<string>;
  failedEdits: Map<string, number>;
  fallbacks: Map<string, 'rewrite-file' | 'reread-file'>;
};

/**
 * The state after one more event. A new user message, a handoff (a new segment: nothing seen
 * before it is in the model's context), or the stop the guard itself caused, starts afresh; progress (a changed file, a result not seen before, a failed check of the
 * changes sent back) clears the counts and the warnings, but not what was seen.
 */
export function observeLoopGuard(state: LoopGuardState, data: SessionEventData): LoopGuardState {
  switch (data.type) {
    case 'user-message':
    case 'handoff':
      return INITIAL_LOOP_GUARD_STATE;
    case 'error':
      return data.kind === 'stuck' ? INITIAL_LOOP_GUARD_STATE : state;
    case 'tool-call': {
      const next = working(state);
      if (next.step !== data.step) {
        // A step cut short by a crash never sent its last result; it ends here, unanswered.
        closeStep(next);
        next.calls.clear();
        next.step = data.step;
        next.pendingCalls = 0;
        next.stepProgress = false;
      }
      next.pendingCalls += 1;
      next.calls.set(data.toolCallId, { toolName: data.toolName, arguments: data.arguments });
      return next;
    }
    case 'file-change': {
      const next = working(state);
      next.changedBy.add(data.toolCallId);
      const path = normalisePath(data.path);
      next.failedEdits.delete(path);
      next.fallbacks.delete(path);
      return next;
    }
    case 'loop-guard': {
      const next = working(state);
      next.notes.set(data.toolCallId, [...(next.notes.get(data.toolCallId) ?? []), data.note]);
      if (data.action === 'rewrite-file' || data.action === 'reread-file') {
        if (data.path !== undefined) next.fallbacks.set(data.path, data.action);
        return next;
      }
      next.warnings += 1;
      next.warnedStep = data.step;
      if (data.action === 'stop') next.stop = data;
      return next;
    }
    case 'context-compacted': {
      // Outputs the model saw are gone from its context: seeing them again is progress.
      const next = working(state);
      next.seen = new Set();
      next.fallbacks = new Map();
      return next;
    }
    case 'tool-result':
      return observeResult(state, data);
    case 'verification': {
      // A check of the model's changes brings new information, like progress.
      const next = working(state);
      recordProgress(next);
      return next;
    }
    default:
      return state;
  }
}

function observeResult(
  state: LoopGuardState,
  data: Extract<SessionEventData, { type: 'tool-result' }>,
): LoopGuardState {
  const next = working(state);
  const call = next.calls.get(data.toolCallId) ?? { toolName: data.toolName, arguments: '' };
  next.calls.delete(data.toolCallId);
  const output = withoutNotes(data.output, next.notes.get(data.toolCallId));
  next.notes.delete(data.toolCallId);
  const changedFile = next.changedBy.delete(data.toolCallId);

  const callKey = `${call.toolName}\u0000${normaliseArguments(call.arguments)}`;
  const outcome = data.ok ? 'ok' : (data.errorKind ?? 'error');
  const resultKey = `${callKey}\u0000${outcome}\u0000${fingerprint(output)}`;
  const progress = changedFile || (data.ok && !next.seen.has(resultKey));
  if (data.ok) next.seen.add(resultKey);
  if (progress) recordProgress(next);

  const repeats = (next.repeats.get(resultKey) ?? 0) + 1;
  next.repeats.set(resultKey, repeats);
  let errors = 0;
  // A cancelled call says nothing about the model: the run is stopping anyway.
  if (!data.ok && data.errorKind !== 'cancelled') {
    const errorKey = `${outcome}\u0000${fingerprint(output)}`;
    errors = (next.errors.get(errorKey) ?? 0) + 1;
    next.errors.set(errorKey, errors);
  }

  let failedEdit: LastResult['failedEdit'];
  const path = editedPath(call.toolName, call.arguments);
  if (
    path !== undefined &&
    (data.errorKind === 'no-match' || data.errorKind === 'ambiguous-match')
  ) {
    const failures = (next.failedEdits.get(path) ?? 0) + 1;
    next.failedEdits.set(path, failures);
    failedEdit = { path, failures };
  }

  let closedIdleStep = false;
  if (next.step === data.step) {
    next.pendingCalls -= 1;
    if (next.pendingCalls <= 0) {
      closedIdleStep = !next.stepProgress;
      closeStep(next);
    }
  }
  next.last = {
    toolCallId: data.toolCallId,
    step: data.step,
    toolName: call.toolName,
    arguments: call.arguments,
    ok: data.ok,
    errorKind: data.errorKind,
    progress,
    repeats,
    errors,
    failedEdit,
    closedIdleStep,
  };
  return next;
}

/** A copy to change: the collections are copied, so the state given is never altered. */
function working(state: LoopGuardState): Working {
  return {
    ...state,
    seen: new Set(state.seen),
    repeats: new Map(state.repeats),
    errors: new Map(state.errors),
    calls: new Map(state.calls),
    notes: new Map(state.notes),
    changedBy: new Set(state.changedBy),
    failedEdits: new Map(state.failedEdits),
    fallbacks: new Map(state.fallbacks),
  };
}

function recordProgress(next: Working): void {
  next.repeats = new Map();
  next.errors = new Map();
  next.idleSteps = 0;
  next.warnings = 0;
  next.stepProgress = true;
}

function closeStep(next: Working): void {
  if (next.step === undefined) return;
  next.idleSteps = next.stepProgress ? 0 : next.idleSteps + 1;
  next.step = undefined;
  next.pendingCalls = 0;
  next.stepProgress = false;
}

/** The tool output without the notes the guard appended to it (`appendNotes`). */
function withoutNotes(output: string, notes: readonly string[] | undefined): string {
  if (notes === undefined || notes.length === 0) return output;
  const suffix = appendNotes('', notes);
  return output.endsWith(suffix) ? output.slice(0, output.length - suffix.length) : output;
}

/** A tool output with the guard's notes after it, as the model is shown it. */
export function appendNotes(output: string, notes: readonly string[]): string {
  return notes.reduce((text, note) => `${text}\n\n${note}`, output);
}

function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/**
 * Arguments compared by meaning: JSON with its keys sorted and `path` normalised
 * (`./src/a.ts` is `src/a.ts`); text that is not JSON is compared trimmed.
 */
export function normaliseArguments(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text) as unknown));
  } catch {
    // Not JSON: the call was refused as such; the same broken text is still the same call.
    return text.trim();
  }
}

function sortKeys(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key === 'path' ? normalisePath(value) : value;
  if (Array.isArray(value)) return value.map((item) => sortKeys(item));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((name) => [name, sortKeys((value as Record<string, unknown>)[name], name)]),
  );
}

/** A project-relative path as the tools report it: `./a//b/` is `a/b`. */
export function normalisePath(path: string): string {
  const normalised = posix.normalize(path.trim().replaceAll('\\', '/')).replace(/\/+$/, '');
  return normalised === '' ? '.' : normalised;
}

/** The file an edit_file call names, normalised; undefined for other tools. */
function editedPath(toolName: string, argumentsText: string): string | undefined {
  if (toolName !== 'edit_file') return undefined;
  try {
    const path = (JSON.parse(argumentsText) as { path?: unknown } | null)?.path;
    return typeof path === 'string' ? normalisePath(path) : undefined;
  } catch {
    // Arguments that are not JSON never reached the file.
    return undefined;
  }
}
