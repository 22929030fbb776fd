import type { CheckpointEvent, SessionEvent } from '@outpost/protocol';

/** A recorded checkpoint that holds a snapshot, with when it was recorded. */
export interface RecordedCheckpoint {
  event: SessionEvent;
  data: CheckpointEvent & {
    commit: string;
    repository: NonNullable<CheckpointEvent['repository']>;
  };
}

function isSnapshot(
  event: SessionEvent,
  reason: CheckpointEvent['reason'],
): event is SessionEvent & { data: RecordedCheckpoint['data'] } {
  const { data } = event;
  return (
    data.type === 'checkpoint' &&
    data.reason === reason &&
    data.commit !== null &&
    data.repository !== null
  );
}

/**
 * The snapshot `outpost undo` puts back: the session's first `before-write` checkpoint that was
 * taken (a failed attempt has no commit, and a later run tries again).
 */
export function sessionCheckpointOf(
  events: readonly SessionEvent[],
): RecordedCheckpoint | undefined {
  const event = events.find((candidate) => isSnapshot(candidate, 'before-write'));
  return event === undefined ? undefined : { event, data: event.data };
}

/** The tree the session's last `outpost undo` replaced (what `undo --redo` puts back). */
export function lastUndoOf(events: readonly SessionEvent[]): RecordedCheckpoint | undefined {
  const event = events.findLast((candidate) => isSnapshot(candidate, 'undo'));
  return event === undefined ? undefined : { event, data: event.data };
}

/** Why the session's checkpoint attempts failed, when none succeeded (the last reason). */
export function checkpointFailureOf(events: readonly SessionEvent[]): string | undefined {
  if (sessionCheckpointOf(events) !== undefined) return undefined;
  const failed = events.findLast(
    ({ data }) =>
      data.type === 'checkpoint' && data.reason === 'before-write' && data.commit === null,
  );
  return failed?.data.type === 'checkpoint' ? failed.data.error : undefined;
}

/**
 * True when the session changed files or ran commands before its checkpoint (its first attempt
 * failed and a later run took one): undo cannot take those changes back.
 */
export function changedBeforeCheckpoint(
  events: readonly SessionEvent[],
  checkpoint: RecordedCheckpoint,
): boolean {
  for (const event of events) {
    if (event === checkpoint.event) return false;
    if (event.data.type === 'file-change' || event.data.type === 'command-run') return true;
  }
  return false;
}

/** The files the session's own edits wrote (its `file-change` events). */
export function writtenPathsOf(events: readonly SessionEvent[]): Set<string> {
  const paths = new Set<string>();
  for (const { data } of events) if (data.type === 'file-change') paths.add(data.path);
  return paths;
}
