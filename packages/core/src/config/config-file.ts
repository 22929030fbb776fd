import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { OutpostConfig } from './outpost-config.js';

/**
 * Where the user's config file lives: `$OUTPOST_CONFIG`, else `$OUTPOST_HOME/config.json`, else
 * `$XDG_CONFIG_HOME/outpost/config.json`, else `~/.config/outpost/config.json`.
 */
export function resolveConfigPath(env: NodeJS.ProcessEnv, homedir: string): string {
  if (env.OUTPOST_CONFIG) return env.OUTPOST_CONFIG;
  if (env.OUTPOST_HOME) return join(env.OUTPOST_HOME, 'config.json');
  const configHome = env.XDG_CONFIG_HOME || join(homedir, '.config');
  return join(configHome, 'outpost', 'config.json');
}

/**
 * Reads and validates the config file. A missing file is an empty config; a file that does not
 * parse or does not match the schema is a `ConfigError` naming the file and the offending key.
 */
export function loadConfigFile(path: string): OutpostConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`Cannot read the config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, path: string): OutpostConfig {
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `The config file ${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const result = OutpostConfig.safeParse(json);
  if (!result.success) {
    throw new ConfigError(`The config file ${path} is invalid: ${describeIssues(result.error)}`);
  }
  return result.data;
}

/** The issues of a failed parse in one line: `key.path: message; …`, unknown keys named. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const prefix = issue.path.length > 0 ? `${where}: ` : '';
        return `${prefix}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
