import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import {
  checkpointFailureOf,
  createCheckpoints,
  resolveDataDirectory,
  sessionCheckpointOf,
} from '@outpost/core';
import type { Checkpoints, CheckpointTarget, RecordedCheckpoint, Store } from '@outpost/core';
import type { Session, SessionEvent } from '@outpost/protocol';
import { UsageError } from '../usage-error.js';

/** A session with the checkpoint `outpost undo` and `sessions diff` work from. */
export interface SessionWithCheckpoint {
  session: Session;
  events: SessionEvent[];
  checkpoint: RecordedCheckpoint;
}

/** How many of a project's latest sessions `outpost undo` looks through for a checkpoint. */
const LATEST_SESSIONS = 100;

/** The session an id or unique prefix names; refused when it has no checkpoint. */
export function sessionWithCheckpoint(store: Store, idOrPrefix: string): SessionWithCheckpoint {
  const id = store.sessions.resolveId(idOrPrefix);
  const session = store.sessions.get(id);
  if (!session) throw new UsageError(`No session matches "${idOrPrefix}".`);
  const events = store.sessions.events(id);
  const checkpoint = sessionCheckpointOf(events);
  if (checkpoint === undefined) {
    const failure = checkpointFailureOf(events);
    throw new UsageError(
      failure === undefined
        ? `Session ${id.slice(0, 8)} has no checkpoint: it never changed a file or ran a command ` +
            '(a checkpoint is taken just before the first), or it ran before Outpost took them.'
        : `Session ${id.slice(0, 8)} has no checkpoint: taking it failed (${failure}), so there is ` +
            'nothing to put back.',
    );
  }
  return { session, events, checkpoint };
}

/** The latest session of the project that has a checkpoint (most recently active first). */
export function latestSessionWithCheckpoint(
  store: Store,
  projectRoot: string,
): SessionWithCheckpoint {
  for (const summary of store.sessions.list({ projectRoot, limit: LATEST_SESSIONS })) {
    const events = store.sessions.events(summary.id);
    const checkpoint = sessionCheckpointOf(events);
    if (checkpoint !== undefined) return { session: summary, events, checkpoint };
  }
  throw new UsageError(
    `No session of ${projectRoot} has a checkpoint to go back to (sessions take one just before ` +
      'their first change). See outpost sessions list.',
  );
}

/** Checkpoints of the session's project; refused when the project is gone. */
export function checkpointsOf(session: Session, env: NodeJS.ProcessEnv): Checkpoints {
  if (!existsSync(session.projectRoot)) {
    throw new UsageError(
      `Session ${session.id.slice(0, 8)} belongs to ${session.projectRoot}, which no longer exists.`,
    );
  }
  return createCheckpoints({
    projectRoot: session.projectRoot,
    dataDirectory: resolveDataDirectory(env, homedir()),
    env,
  });
}

export function targetOf(checkpoint: RecordedCheckpoint): CheckpointTarget {
  return { commit: checkpoint.data.commit, repository: checkpoint.data.repository };
}

/**
 * Other sessions of the project whose checkpoint is later than `time`: putting back an older
 * tree takes their changes back too.
 */
export function sessionsCheckpointedSince(store: Store, session: Session, time: number): string[] {
  return store.sessions
    .list({ projectRoot: session.projectRoot, limit: LATEST_SESSIONS })
    .filter((other) => other.id !== session.id && other.updatedAt >= time)
    .filter((other) => {
      const checkpoint = sessionCheckpointOf(store.sessions.events(other.id));
      return checkpoint !== undefined && checkpoint.event.time > time;
    })
    .map((other) => other.id);
}
