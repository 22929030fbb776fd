import {
  SessionEventData,
  SessionFieldName,
  SessionFields,
  type Session,
  type SessionEvent,
  type SessionStatus,
  type SpaceId,
} from '@outpost/protocol';
import { z } from 'zod';
import { NotFoundError } from '../errors/not-found-error.js';
import { StoreError } from '../errors/store-error.js';
import type { IdGenerator } from '../ids/ids.js';
import { cachedStatement, writeTransaction, type SqliteDatabase } from './database.js';
import type { HybridLogicalClock } from './hybrid-logical-clock.js';
import { SESSION_EVENT_FIELD, type SessionEventOpValue } from './materialize.js';
import { appendOps, type OpDraft } from './op-log.js';
import { resolveIdPrefix } from './resolve-id-prefix.js';

export type NewSessionFields = Pick<SessionFields, 'title' | 'projectRoot' | 'provider' | 'model'>;

export type SessionSummary = Session & {
  /** The text of the session's first `user-message` event. */
  firstUserMessage: string | undefined;
  eventCount: number;
};

export interface ListSessionsOptions {
  limit?: number;
  projectRoot?: string;
}

/** Sessions and their events, as the agent loop and the CLI use them. Every write is one op per field. */
export interface SessionStore {
  /** A new `running` session; `createdAt` and `updatedAt` are now. */
  create(fields: NewSessionFields): Session;
  /** Writes only the given fields, and bumps `updatedAt` (unless it is given). */
  update(id: string, fields: Partial<SessionFields>): Session;
  /** Validates `data` (nothing is written if it is invalid) and bumps the session's `updatedAt`. */
  appendEvent(sessionId: string, data: SessionEventData): SessionEvent;
  /**
   * Several events in one transaction (one disk sync): what one step of the agent produced. All
   * are validated first; if any is invalid, nothing is written.
   */
  appendEvents(sessionId: string, data: readonly SessionEventData[]): SessionEvent[];
  get(id: string): Session | undefined;
  /** A full id, or a unique prefix of at least 4 characters. */
  resolveId(idOrPrefix: string): string;
  /** Most recently updated first. */
  list(options?: ListSessionsOptions): SessionSummary[];
  /** In `(hlc, device, seq)` order; empty for an unknown session. */
  events(sessionId: string): SessionEvent[];
}

export interface SessionStoreOptions {
  db: SqliteDatabase;
  clock: HybridLogicalClock;
  now: () => number;
  generateId: IdGenerator;
  /** The space new session records and events are written to, e.g. `user:<id>`. */
  space: SpaceId;
}

/** A `sessions` row whose every field has arrived (the queries below select only those). */
interface SessionRow {
  id: string;
  title: string;
  project_root: string;
  provider: string;
  model: string;
  status: string;
  created_at: number;
  updated_at: number;
}

interface SessionEventRow {
  id: string;
  session_id: string;
  data: string;
  hlc: string;
  device: string;
  seq: number;
  time: number;
}

/** Ops may arrive in any order, so a row can exist before all of its fields; such rows are hidden. */
const isComplete = `title IS NOT NULL AND project_root IS NOT NULL AND provider IS NOT NULL
  AND model IS NOT NULL AND status IS NOT NULL AND created_at IS NOT NULL AND updated_at IS NOT NULL`;

const eventColumns = 'id, session_id, data, hlc, device, seq, time';

const NewSessionFieldsSchema = SessionFields.pick({
  title: true,
  projectRoot: true,
  provider: true,
  model: true,
}).strict();
const SessionFieldsUpdate = SessionFields.partial().strict();

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const { db, clock, now, generateId, space } = options;

  const get = (id: string): Session | undefined => {
    const row = cachedStatement<[string], SessionRow>(
      db,
      `SELECT * FROM sessions WHERE id = ? AND ${isComplete}`,
    ).get(id);
    return row === undefined ? undefined : sessionFromRow(row);
  };

  const requireSession = (id: string): Session => {
    const session = get(id);
    if (session === undefined) throw new NotFoundError(`no session '${id}'`);
    return session;
  };

  const writeFields = (id: string, fields: Partial<SessionFields>): void => {
    const drafts: OpDraft[] = SessionFieldName.options.flatMap((field) => {
      const value = fields[field];
      return value === undefined ? [] : [{ space, kind: 'session', record: id, field, value }];
    });
    appendOps(db, clock, drafts);
  };

  const appendEvents = (sessionId: string, data: readonly SessionEventData[]): SessionEvent[] => {
    const parsed = data.map((item) => parse(SessionEventData, item, 'invalid session event'));
    if (parsed.length === 0) return [];
    return writeTransaction(db, () => {
      requireSession(sessionId);
      const time = now();
      const ids = parsed.map(() => {
        const id = generateId();
        if (cachedStatement<[string]>(db, 'SELECT 1 FROM session_events WHERE id = ?').get(id)) {
          throw new StoreError(`the id generator returned '${id}', which is already an event`);
        }
        return id;
      });
      appendOps(db, clock, [
        ...parsed.map((event, index) => {
          const value: SessionEventOpValue = { sessionId, time, data: event };
          const record = ids[index] ?? '';
          return {
            space,
            kind: 'session-event' as const,
            record,
            field: SESSION_EVENT_FIELD,
            value,
          };
        }),
        { space, kind: 'session', record: sessionId, field: 'updatedAt', value: time },
      ]);
      return ids.map((id) => {
        const row = cachedStatement<[string], SessionEventRow>(
          db,
          `SELECT ${eventColumns} FROM session_events WHERE id = ?`,
        ).get(id);
        if (row === undefined) throw new StoreError(`event '${id}' was not materialised`);
        return eventFromRow(row);
      });
    });
  };

  return {
    create(fields) {
      const input = parse(NewSessionFieldsSchema, fields, 'invalid session fields');
      return writeTransaction(db, () => {
        const id = generateId();
        if (cachedStatement<[string]>(db, 'SELECT 1 FROM sessions WHERE id = ?').get(id)) {
          throw new StoreError(`the id generator returned '${id}', which is already a session`);
        }
        const time = now();
        writeFields(id, { ...input, status: 'running', createdAt: time, updatedAt: time });
        return requireSession(id);
      });
    },

    update(id, fields) {
      const input = parse(SessionFieldsUpdate, fields, 'invalid session fields');
      return writeTransaction(db, () => {
        requireSession(id);
        writeFields(id, { ...input, updatedAt: input.updatedAt ?? now() });
        return requireSession(id);
      });
    },

    appendEvent(sessionId, data) {
      const [event] = appendEvents(sessionId, [data]);
      if (event === undefined) throw new StoreError('no event was appended');
      return event;
    },

    appendEvents,

    get,

    resolveId: (idOrPrefix) =>
      resolveIdPrefix({
        idOrPrefix,
        plural: 'sessions',
        singular: 'session',
        exists: (id) => get(id) !== undefined,
        matching: (pattern, limit) =>
          cachedStatement<[string], { id: string; title: string }>(
            db,
            `SELECT id, title FROM sessions WHERE id LIKE ? ESCAPE '\\' AND ${isComplete}
             ORDER BY id LIMIT ${limit}`,
          ).all(pattern),
      }),

    list(listOptions = {}) {
      const { limit, projectRoot } = listOptions;
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
        throw new RangeError(`list limit must be a non-negative integer, got ${limit}`);
      }
      const rows = cachedStatement<
        [string | null, string | null, number],
        SessionRow & { event_count: number; first_user_message: string | null }
      >(
        db,
        `SELECT s.*,
           (SELECT count(*) FROM session_events e WHERE e.session_id = s.id) AS event_count,
           (SELECT json_extract(e.data, '$.text') FROM session_events e
             WHERE e.session_id = s.id AND e.type = 'user-message'
             ORDER BY e.hlc, e.device, e.seq LIMIT 1) AS first_user_message
         FROM sessions s
         WHERE ${isComplete} AND (? IS NULL OR s.project_root = ?)
         ORDER BY s.updated_at DESC, s.created_at DESC, s.id DESC
         LIMIT ?`,
      ).all(projectRoot ?? null, projectRoot ?? null, limit ?? -1);
      return rows.map((row) => ({
        ...sessionFromRow(row),
        firstUserMessage: row.first_user_message ?? undefined,
        eventCount: row.event_count,
      }));
    },

    events(sessionId) {
      return cachedStatement<[string], SessionEventRow>(
        db,
        `SELECT ${eventColumns} FROM session_events WHERE session_id = ? ORDER BY hlc, device, seq`,
      )
        .all(sessionId)
        .map(eventFromRow);
    },
  };
}

function sessionFromRow(row: SessionRow): Session {
  return {
    id: row.id,
    title: row.title,
    projectRoot: row.project_root,
    provider: row.provider,
    model: row.model,
    // The materialiser only writes values that passed `SessionFields`.
    status: row.status as SessionStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function eventFromRow(row: SessionEventRow): SessionEvent {
  return {
    id: row.id,
    sessionId: row.session_id,
    hlc: row.hlc,
    device: row.device,
    seq: row.seq,
    time: row.time,
    // The materialiser only writes payloads that passed `SessionEventData`.
    data: JSON.parse(row.data) as SessionEventData,
  };
}

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new StoreError(`${what}: ${z.prettifyError(result.error)}`, { cause: result.error });
  }
  return result.data;
}
