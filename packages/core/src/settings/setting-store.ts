import type { SpaceId } from '@outpost/protocol';
import { z } from 'zod';
import { cachedStatement, writeTransaction, type SqliteDatabase } from '../store/database.js';
import type { HybridLogicalClock } from '../store/hybrid-logical-clock.js';
import { appendOps } from '../store/op-log.js';
import { recordKinds } from '../store/record-kinds.js';
import { recordFieldDrafts } from '../store/record-writes.js';
import { SettingError } from './setting-error.js';
import { SettingKey, SettingScope, settingRecord, SETTING_VALUE_FIELD } from './setting-fields.js';

/** The largest value a setting may hold, as JSON text in UTF-8. */
export const SETTING_VALUE_MAX_BYTES = 16 * 1024;

/** Any JSON value but `null`, which is how an unset is stored. */
export type SettingValue = NonNullable<z.infer<ReturnType<typeof z.json>>>;

export interface SettingEntry {
  key: string;
  scope: SettingScope;
  value: SettingValue;
}

export interface SettingWriteOptions {
  /** `user` (the default) syncs to the user's other devices; `device` never leaves this one. */
  scope?: SettingScope;
}

/**
 * Settings (docs/architecture/store.md, "Settings"): key/value pairs kept as `setting` ops, so
 * they merge per key by last-writer-wins and every losing value stays in `field_history`.
 */
export interface SettingStore {
  /**
   * The value of `key` in `scope`; without a scope, the `device` value if set, else the `user`
   * one. Undefined when unset.
   */
  get(key: string, scope?: SettingScope): SettingValue | undefined;
  /** Writes `value`; throws `SettingError` (nothing written) for a bad key, scope or value. */
  set(key: string, value: unknown, options?: SettingWriteOptions): void;
  /** Writes an unset: a last-writer-wins write, so a later set on any device overrides it. */
  unset(key: string, options?: SettingWriteOptions): void;
  /** Every setting that holds a value, by key then scope (`device` before `user`). */
  list(): SettingEntry[];
}

export interface SettingStoreOptions {
  db: SqliteDatabase;
  clock: HybridLogicalClock;
  /** The user's space, where `user` settings are written. */
  userSpace: SpaceId;
  /** This device's id: `device` settings are written to `device:<id>`, which is never exported. */
  deviceId: string;
}

interface SettingRow {
  key: string;
  scope: SettingScope;
  value: string;
}

const spec = recordKinds.setting;

const SettingWrite = z.object({
  key: SettingKey,
  scope: SettingScope,
  value: z.unknown().refine((value) => z.json().safeParse(value).success, {
    error: 'a setting value must be JSON (text, number, boolean, list, object)',
  }),
});

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}

function validate(input: { key: unknown; scope: unknown; value: unknown }) {
  const parsed = SettingWrite.safeParse(input);
  if (!parsed.success) throw new SettingError(problemsOf(parsed.error));
  return parsed.data;
}

export function createSettingStore(options: SettingStoreOptions): SettingStore {
  const { db, clock } = options;
  const deviceSpace: SpaceId = `device:${options.deviceId}`;

  const write = (valid: z.infer<typeof SettingWrite>): void => {
    writeTransaction(db, () => {
      appendOps(
        db,
        clock,
        recordFieldDrafts(db, spec, {
          space: valid.scope === 'device' ? deviceSpace : options.userSpace,
          record: settingRecord(valid.scope, valid.key),
          fields: [[SETTING_VALUE_FIELD, valid.value]],
        }),
      );
    });
  };

  const read = (key: string, scope: SettingScope): SettingValue | undefined => {
    const row = cachedStatement<[string], { value: string | null }>(
      db,
      'SELECT value FROM settings WHERE id = ?',
    ).get(settingRecord(scope, key));
    return row?.value === null || row === undefined
      ? undefined
      : (JSON.parse(row.value) as SettingValue);
  };

  return {
    get(key, scope) {
      const parsedKey = SettingKey.safeParse(key);
      const parsedScope = SettingScope.optional().safeParse(scope);
      const problems = [
        ...(parsedKey.success ? [] : problemsOf(parsedKey.error)),
        ...(parsedScope.success
          ? []
          : problemsOf(parsedScope.error).map((each) => `scope: ${each}`)),
      ];
      if (problems.length > 0) throw new SettingError(problems);
      if (scope !== undefined) return read(key, scope);
      return read(key, 'device') ?? read(key, 'user');
    },
    set(key, value, writeOptions = {}) {
      if (value === null || value === undefined) {
        throw new SettingError([
          `value: a setting needs a value; to remove ${JSON.stringify(key)}, unset it`,
        ]);
      }
      const valid = validate({ key, scope: writeOptions.scope ?? 'user', value });
      const bytes = Buffer.byteLength(JSON.stringify(valid.value), 'utf8');
      if (bytes > SETTING_VALUE_MAX_BYTES) {
        throw new SettingError([
          `value: a setting value is at most ${SETTING_VALUE_MAX_BYTES} bytes of JSON, ` +
            `this one is ${bytes}`,
        ]);
      }
      write(valid);
    },
    unset(key, writeOptions = {}) {
      write(validate({ key, scope: writeOptions.scope ?? 'user', value: null }));
    },
    list() {
      return cachedStatement<[], SettingRow>(
        db,
        `SELECT key, scope, value FROM settings WHERE value IS NOT NULL ORDER BY key, scope`,
      )
        .all()
        .map((row) => ({
          key: row.key,
          scope: row.scope,
          value: JSON.parse(row.value) as SettingValue,
        }));
    },
  };
}
