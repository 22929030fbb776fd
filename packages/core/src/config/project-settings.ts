import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { describeIssues } from './config-file.js';
import { RouterPolicy } from './router-config.js';

/** Where a project keeps its own Outpost settings, relative to the project root. */
export const PROJECT_SETTINGS_PATH = '.outpost/settings.json';

/**
 * A project's own settings (`.outpost/settings.json`, committed with the project, so everyone
 * working on it gets them). Only what a project may decide for itself: today, that its code never
 * leaves the machine. Unknown keys are refused, as in the config file: a misspelt privacy setting
 * must not be ignored silently.
 */
export const ProjectSettings = z
  .object({
    router: z.object({ policy: RouterPolicy.optional() }).strict().optional(),
  })
  .strict();
export type ProjectSettings = z.infer<typeof ProjectSettings>;

/** Reads a project's settings; a project without the file has none. */
export function loadProjectSettings(projectRoot: string): ProjectSettings {
  const path = join(projectRoot, PROJECT_SETTINGS_PATH);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read the project settings ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `The project settings ${path} are not valid JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const result = ProjectSettings.safeParse(json);
  if (!result.success) {
    throw new ConfigError(
      `The project settings ${path} are invalid: ${describeIssues(result.error)}`,
    );
  }
  return result.data;
}

/** The policy in force and who set it, for messages ("this project is local-only (…)"). */
export interface EffectivePolicy {
  policy: RouterPolicy;
  /** What made it `local-only`: the project's file, the config file, or `--offline`. */
  source: string | undefined;
}

/**
 * The stricter policy wins: a project, the user's config file or `--offline` can each make a
 * session local-only, and nothing can loosen what another made strict.
 */
export function effectivePolicy(options: {
  project: ProjectSettings;
  config: { policy?: RouterPolicy } | undefined;
  offline: boolean;
}): EffectivePolicy {
  if (options.project.router?.policy === 'local-only') {
    return { policy: 'local-only', source: PROJECT_SETTINGS_PATH };
  }
  if (options.config?.policy === 'local-only') {
    return {
      policy: 'local-only',
      source: '"router": { "policy": "local-only" } in the config file',
    };
  }
  if (options.offline) return { policy: 'local-only', source: '--offline' };
  return { policy: 'any', source: undefined };
}
