import { z } from 'zod';

/**
 * The `setting` record kind (reference/sync-notes.md §4.3, "Settings"): one record per key and
 * scope, with one last-writer-wins field, `value`; `null` is an unset.
 */

/** `device` settings stay on this device (paths, secrets, GPU config); `user` settings sync. */
export const SettingScope = z.enum(['device', 'user']);
export type SettingScope = z.infer<typeof SettingScope>;

export const SETTING_KEY_MAX_LENGTH = 100;

/** Lowercase dotted names: `editor.theme`, `model.gpu-layers`, `sync.max_skew`. */
export const SettingKey = z
  .string()
  .max(SETTING_KEY_MAX_LENGTH, `a setting key is at most ${SETTING_KEY_MAX_LENGTH} characters`)
  .regex(
    /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/,
    'a setting key is lowercase words joined by dots, like editor.theme',
  );
export type SettingKey = z.infer<typeof SettingKey>;

/** The field every setting op writes. */
export const SETTING_VALUE_FIELD = 'value';

/** The fields of a setting record as the merge sees them: any JSON value; `null` unsets. */
export const SettingFields = z.object({ [SETTING_VALUE_FIELD]: z.json() });

/** The record of a setting: `<scope>:<key>`, so each scope of a key merges on its own. */
export function settingRecord(scope: SettingScope, key: SettingKey): string {
  return `${scope}:${key}`;
}

/** The scope and key a record names, or undefined when it names none. */
export function parseSettingRecord(
  record: string,
): { scope: SettingScope; key: SettingKey } | undefined {
  const colon = record.indexOf(':');
  const scope = SettingScope.safeParse(record.slice(0, colon));
  const key = SettingKey.safeParse(record.slice(colon + 1));
  if (colon < 0 || !scope.success || !key.success) return undefined;
  return { scope: scope.data, key: key.data };
}

/**
 * A setting op merges only when its record names a scope and key and its space matches the scope:
 * a `device` setting in a `device:` space, a `user` setting in any other. So a forged or damaged op
 * cannot make another device's setting local to this one.
 */
export function isSettingOpInItsSpace(op: { record: string; space: string }): boolean {
  const parsed = parseSettingRecord(op.record);
  if (parsed === undefined) return false;
  return (parsed.scope === 'device') === op.space.startsWith('device:');
}
