import type { FieldConflict } from '../store/field-conflicts.js';

/**
 * Project memory (issue 6): decisions, conventions, fixes, facts and todos that outlive a
 * session, with provenance, stored as ops in the op log like everything else (so they sync).
 * This file is the contract between the store side (`memory-store.ts`, the `memory` CLI) and
 * the agent side (the `remember` / `recall` tools, the per-turn context, reflection).
 */

export const MEMORY_KINDS = ['decision', 'convention', 'fix', 'fact', 'todo'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

export const MEMORY_STATUSES = ['proposed', 'accepted', 'retired'] as const;
export type MemoryStatus = (typeof MEMORY_STATUSES)[number];

/** What a record points at; each must exist when the link is made. */
export interface MemoryLink {
  type: 'commit' | 'session' | 'task';
  /** A commit hash (full or abbreviated), a session id, a task id (of the same project). */
  id: string;
}

/** Who wrote a record, where and with what; set once, when the record is created. */
export interface MemoryProvenance {
  /** The local user id (`user:<id>` space of the store). */
  user: string;
  device: string;
  /** The session that created it, when an agent or a session command did. */
  session?: string;
  /** The model that proposed it (`provider/modelId`), when a model did. */
  model?: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export interface MemoryRecord {
  /** UUIDv7; commands accept a unique prefix of at least 4 characters. */
  id: string;
  title: string;
  body: string;
  kind: MemoryKind;
  tags: string[];
  /** Project-relative paths (files or directories) the record concerns. */
  paths: string[];
  links: MemoryLink[];
  status: MemoryStatus;
  provenance: MemoryProvenance;
  /** Milliseconds since the epoch of the last change of any field. */
  updatedAt: number;
  /** Some field holds values written concurrently on two devices (see `MemoryStore.conflicts`). */
  conflicted: boolean;
  /** Hidden by its `$deleted` tombstone (only `get(id, { includeDeleted })` returns it). */
  deleted: boolean;
}

/**
 * A new record. A user's record is `accepted`; an agent's is `proposed`; `retired` only when an
 * export is imported (`memory add --file`), so a round trip keeps every record's status.
 */
export interface MemoryDraft {
  title: string;
  body: string;
  kind: MemoryKind;
  tags?: string[];
  paths?: string[];
  links?: MemoryLink[];
  status: MemoryStatus;
  session?: string;
  model?: string;
}

export interface MemoryPatch {
  title?: string;
  body?: string;
  kind?: MemoryKind;
  tags?: string[];
  paths?: string[];
  links?: MemoryLink[];
}

/** What a recall is about besides its words: the files and symbols of the current work. */
export interface RecallContext {
  paths?: readonly string[];
  symbols?: readonly string[];
}

export interface RecallHit {
  record: MemoryRecord;
  /** Higher is better; comparable within one call only. */
  score: number;
}

/**
 * The memory of the store. Every write is validated first (a bad draft or patch throws a
 * `MemoryError` with a clear message and writes nothing) and becomes ops in the op log.
 */
export interface MemoryStore {
  add(draft: MemoryDraft): MemoryRecord;
  /**
   * Several records in one transaction (an import): all are validated first, and if any is
   * invalid nothing is written; the error names the record (1-based) of each problem.
   */
  addAll(drafts: readonly MemoryDraft[]): MemoryRecord[];
  /** A visible record; a deleted one only with `includeDeleted`. */
  get(id: string, options?: { includeDeleted?: boolean }): MemoryRecord | undefined;
  /** A full id or a unique prefix (≥ 4 characters) → the full id; throws when unknown/ambiguous. */
  resolveId(idOrPrefix: string, options?: { includeDeleted?: boolean }): string;
  /** Writes the fields that change; a conflicted field is written even unchanged (it resolves). */
  update(id: string, patch: MemoryPatch): MemoryRecord;
  setStatus(id: string, status: MemoryStatus): MemoryRecord;
  /**
   * Writes the `$deleted` tombstone: the record is hidden from `list`, `recall` and every prompt,
   * and kept. A later edit of it on another device brings it back.
   */
  delete(id: string): MemoryRecord;
  /** Writes `$deleted: false`: a deleted record is visible again (a visible one is unchanged). */
  restore(id: string): MemoryRecord;
  /** Each conflicted field with its current value and the concurrent alternatives. */
  conflicts(id: string): FieldConflict[];
  /** Writes alternative `choice` (1-based, as `conflicts` lists it) of `field`; clears its flag. */
  pick(id: string, field: string, choice: number): MemoryRecord;
  /** Newest change first; all statuses unless filtered; never deleted records. */
  list(filter?: {
    statuses?: readonly MemoryStatus[];
    kinds?: readonly MemoryKind[];
  }): MemoryRecord[];
  /**
   * Ranked search: full text over title, body and tags, plus overlap of the record's paths with
   * `context.paths` and of its text with `context.symbols`. Default statuses: accepted only.
   */
  recall(
    query: string,
    options?: { context?: RecallContext; statuses?: readonly MemoryStatus[]; limit?: number },
  ): RecallHit[];
}
