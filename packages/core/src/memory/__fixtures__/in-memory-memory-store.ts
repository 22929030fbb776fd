import { MemoryError } from '../../errors/memory-error.js';
import type {
  MemoryDraft,
  MemoryPatch,
  MemoryRecord,
  MemoryStatus,
  MemoryStore,
} from '../memory-types.js';
import { rankMemory } from '../memory-recall.js';

/**
 * A `MemoryStore` kept in a Map, for the agent side's unit tests (tools, per-turn context,
 * reflection): no SQLite, no op log. Ids are UUIDv7-shaped and time-ordered like the store's,
 * and recall ranks with the store's own `rankMemory`; validation is only "title and body are
 * not empty".
 */
export function createInMemoryMemoryStore(
  options: { now?: () => number; user?: string; device?: string } = {},
): MemoryStore & { readonly records: ReadonlyMap<string, MemoryRecord> } {
  const records = new Map<string, MemoryRecord>();
  const now = options.now ?? (() => Date.now());
  let counter = 0;

  const nextId = (): string => {
    counter += 1;
    const time = now().toString(16).padStart(12, '0').slice(-12);
    const sequence = counter.toString(16).padStart(3, '0').slice(-3);
    return `${time.slice(0, 8)}-${time.slice(8)}-7${sequence}-8000-${'0'.repeat(12)}`;
  };

  const existing = (id: string): MemoryRecord => {
    const record = records.get(id);
    if (!record) throw new Error(`No memory record ${id}.`);
    return record;
  };

  const validate = (fields: { title?: string; body?: string }): void => {
    if (fields.title !== undefined && fields.title.trim() === '') {
      throw new MemoryError(['a memory record needs a title']);
    }
    if (fields.body !== undefined && fields.body.trim() === '') {
      throw new MemoryError(['a memory record needs a body']);
    }
  };

  const store: MemoryStore = {
    add(draft: MemoryDraft): MemoryRecord {
      validate(draft);
      const time = now();
      const record: MemoryRecord = {
        id: nextId(),
        title: draft.title.trim(),
        body: draft.body.trim(),
        kind: draft.kind,
        tags: draft.tags ?? [],
        paths: draft.paths ?? [],
        links: draft.links ?? [],
        status: draft.status,
        provenance: {
          user: 'user:test',
          device: options.device ?? 'device-test',
          ...(draft.session === undefined ? {} : { session: draft.session }),
          ...(draft.model === undefined ? {} : { model: draft.model }),
          createdAt: time,
        },
        updatedAt: time,
        conflicted: false,
        deleted: false,
      };
      records.set(record.id, record);
      return record;
    },
    addAll(drafts: readonly MemoryDraft[]): MemoryRecord[] {
      for (const draft of drafts) validate(draft);
      return drafts.map((draft) => store.add(draft));
    },
    get: (id, getOptions = {}) => {
      const record = records.get(id);
      return record?.deleted === true && getOptions.includeDeleted !== true ? undefined : record;
    },
    resolveId(idOrPrefix) {
      if (records.has(idOrPrefix)) return idOrPrefix;
      if (idOrPrefix.length < 4) throw new Error('Give at least 4 characters of the id.');
      const matches = [...records.keys()].filter((id) => id.startsWith(idOrPrefix));
      if (matches.length === 1 && matches[0] !== undefined) return matches[0];
      throw new Error(
        matches.length === 0
          ? `No memory record ${idOrPrefix}.`
          : `${idOrPrefix} is ambiguous (${matches.length} records).`,
      );
    },
    update(id, patch: MemoryPatch) {
      validate(patch);
      const updated = { ...existing(id), ...patch, updatedAt: now() };
      records.set(id, updated);
      return updated;
    },
    setStatus(id, status: MemoryStatus) {
      const updated = { ...existing(id), status, updatedAt: now() };
      records.set(id, updated);
      return updated;
    },
    delete(id) {
      const deleted = { ...existing(id), deleted: true };
      records.set(id, deleted);
      return deleted;
    },
    restore(id) {
      const restored = { ...existing(id), deleted: false, updatedAt: now() };
      records.set(id, restored);
      return restored;
    },
    // One device, no sync: nothing is ever written concurrently.
    conflicts: () => [],
    pick(id, field) {
      throw new MemoryError([`its ${field} is not conflicted: nothing to pick (${id})`]);
    },
    list(filter = {}) {
      return [...records.values()]
        .filter((record) => !record.deleted)
        .filter((record) => !filter.statuses || filter.statuses.includes(record.status))
        .filter((record) => !filter.kinds || filter.kinds.includes(record.kind))
        .sort((left, right) => right.updatedAt - left.updatedAt);
    },
    recall(query, recallOptions = {}) {
      const statuses = recallOptions.statuses ?? ['accepted'];
      const candidates = [...records.values()].filter(
        (record) => !record.deleted && statuses.includes(record.status),
      );
      return rankMemory(candidates, query, {
        ...(recallOptions.context === undefined ? {} : { context: recallOptions.context }),
        limit: recallOptions.limit ?? 10,
      });
    },
  };
  return Object.assign(store, { records });
}
