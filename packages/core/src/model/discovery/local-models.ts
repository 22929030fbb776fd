import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors/config-error.js';
import { writeFileAtomic } from '../../project/atomic-write.js';

/** A GGUF file Outpost can run in-process. */
export interface LocalModel {
  /** The name a user types: the file name without `.gguf`, or the name given to `models add`. */
  name: string;
  path: string;
  sizeBytes: number;
  source: 'models folder' | 'added';
}

/** Where `outpost models pull` puts files, and where Outpost looks for GGUFs first. */
export function modelsDirectory(dataDirectory: string): string {
  return join(dataDirectory, 'models');
}

/** The device-local list of GGUF files added by path (never synced: paths are per machine). */
export function modelRegistryPath(dataDirectory: string): string {
  return join(dataDirectory, 'models.json');
}

const RegistryEntry = z.object({ name: z.string().min(1), path: z.string().min(1) }).strict();
const Registry = z.object({ version: z.literal(1), models: z.array(RegistryEntry) }).strict();
type Registry = z.infer<typeof Registry>;

function readRegistry(registryPath: string): Registry {
  if (!existsSync(registryPath)) return { version: 1, models: [] };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(registryPath, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `The model list ${registryPath} is not valid JSON (${(error as Error).message}). Fix or delete it.`,
      { cause: error },
    );
  }
  const parsed = Registry.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(
      `The model list ${registryPath} is malformed (${parsed.error.issues[0]?.message ?? 'invalid'}). Fix or delete it.`,
    );
  }
  return parsed.data;
}

/** The name a GGUF file is known by: its file name without the extension. */
export function modelNameFromPath(path: string): string {
  return basename(path).replace(/\.gguf$/i, '');
}

/**
 * Every GGUF Outpost knows on this machine: the files in the models folder (hidden files are
 * partial downloads and never count), then the files added by path that still exist.
 */
export function listLocalModels(options: {
  modelsDirectory: string;
  registryPath: string;
}): LocalModel[] {
  const found: LocalModel[] = [];
  if (existsSync(options.modelsDirectory)) {
    for (const entry of readdirSync(options.modelsDirectory, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.') || !/\.gguf$/i.test(entry.name)) continue;
      const path = join(options.modelsDirectory, entry.name);
      found.push({
        name: modelNameFromPath(path),
        path,
        sizeBytes: statSync(path).size,
        source: 'models folder',
      });
    }
  }
  for (const entry of readRegistry(options.registryPath).models) {
    if (!existsSync(entry.path) || found.some((model) => model.path === entry.path)) continue;
    found.push({
      name: entry.name,
      path: entry.path,
      sizeBytes: statSync(entry.path).size,
      source: 'added',
    });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Adds a GGUF file by path (the caller has checked that it is a readable GGUF). Adding the same
 * path again renames it; a name already used by another file is refused.
 */
export async function addLocalModel(options: {
  registryPath: string;
  modelsDirectory: string;
  path: string;
  name?: string;
}): Promise<LocalModel> {
  const path = resolve(options.path);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new ConfigError(`There is no file at ${path}.`);
  }
  const name = options.name ?? modelNameFromPath(path);
  if (!/^[\w.:+-]+$/.test(name)) {
    throw new ConfigError(
      `"${name}" cannot be a model name: use letters, digits and . _ - + : only (pass --name).`,
    );
  }
  const taken = listLocalModels(options).find(
    (model) => model.name === name && model.path !== path,
  );
  if (taken) {
    throw new ConfigError(
      `The name "${name}" is already used by ${taken.path}. Choose another with --name.`,
    );
  }
  const registry = readRegistry(options.registryPath);
  const models = registry.models.filter((entry) => entry.path !== path);
  models.push({ name, path });
  await writeFileAtomic(
    options.registryPath,
    `${JSON.stringify({ version: 1, models }, null, 2)}\n`,
    { createParents: true },
  );
  return { name, path, sizeBytes: statSync(path).size, source: 'added' };
}

/** Finds a local model by name (exact, then case-insensitive). */
export function findLocalModel<Model extends { name: string }>(
  models: readonly Model[],
  name: string,
): Model | undefined {
  return (
    models.find((model) => model.name === name) ??
    models.find((model) => model.name.toLowerCase() === name.toLowerCase())
  );
}
