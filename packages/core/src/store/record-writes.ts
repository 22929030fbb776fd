import type { SpaceId } from '@outpost/protocol';
import type { SqliteDatabase } from './database.js';
import { fieldBase, readFieldConflicts, type FieldAlternative } from './field-conflicts.js';
import type { OpDraft } from './op-log.js';
import { TOMBSTONE_FIELD, type RecordKindSpec } from './record-kinds.js';

/**
 * What the memory and task stores share about writing a record's fields as ops: each flagged
 * field carries its base (what this store shows as current), and a pick names the alternative.
 */

/** One op draft per field, in the order given; flagged fields with their base. */
export function recordFieldDrafts(
  db: SqliteDatabase,
  spec: RecordKindSpec,
  options: { space: SpaceId; record: string; fields: readonly (readonly [string, unknown])[] },
): OpDraft[] {
  const { space, record } = options;
  return options.fields.map(([field, value]) => ({
    space,
    kind: spec.kind,
    record,
    field,
    value,
    ...(spec.flagged.has(field) ? { base: fieldBase(db, spec.kind, record, field) } : {}),
  }));
}

/** The tombstone op: `true` deletes, `false` restores. */
export function tombstoneDraft(
  spec: RecordKindSpec,
  options: { space: SpaceId; record: string; deleted: boolean },
): OpDraft {
  return {
    space: options.space,
    kind: spec.kind,
    record: options.record,
    field: TOMBSTONE_FIELD,
    value: options.deleted,
  };
}

/**
 * The alternative `choice` of a conflicted field, or the problem that stops the pick (the field
 * cannot conflict, is not conflicted, or there is no such alternative), as a sentence.
 */
export function findAlternative(
  db: SqliteDatabase,
  spec: RecordKindSpec,
  options: { record: string; field: string; choice: number },
): { alternative: FieldAlternative } | { problem: string } {
  const { record, field, choice } = options;
  if (!spec.flagged.has(field)) {
    const fields = [...spec.flagged].join(', ');
    return { problem: `${JSON.stringify(field)} is not a field that can conflict (${fields})` };
  }
  const conflict = readFieldConflicts(db, spec.kind, record).find((each) => each.field === field);
  if (conflict === undefined) return { problem: `its ${field} is not conflicted: nothing to pick` };
  const alternative = conflict.alternatives.find((each) => each.choice === choice);
  if (alternative === undefined) {
    return {
      problem:
        `its ${field} has ${conflict.alternatives.length} values; choose one of ` +
        `1-${conflict.alternatives.length}, not ${JSON.stringify(choice)}`,
    };
  }
  return { alternative };
}

/**
 * The ops of a pick: alternative `choice` of a conflicted field written again (its base the whole
 * frontier, which settles the field on every replica) with the record's `updatedAt`; or the
 * problem that stops it, for the caller's error type.
 */
export function pickDrafts(
  db: SqliteDatabase,
  spec: RecordKindSpec,
  options: { space: SpaceId; record: string; field: string; choice: number; updatedAt: number },
): { drafts: OpDraft[] } | { problem: string } {
  const { space, record, field } = options;
  const found = findAlternative(db, spec, { record, field, choice: options.choice });
  if ('problem' in found) return found;
  return {
    drafts: recordFieldDrafts(db, spec, {
      space,
      record,
      fields: [
        [field, found.alternative.value],
        ['updatedAt', options.updatedAt],
      ],
    }),
  };
}
