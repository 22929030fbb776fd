import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE_NAME = 'stories260K.gguf';

/**
 * The path of the tiny real GGUF model used by runtime tests (`stories260K.gguf`, a 260K-parameter
 * TinyStories Llama). It lives outside the repository, in the workspace's shared fixtures:
 * `$OUTPOST_FIXTURE_MODEL`, else `../shared/fixtures/models/` beside the repository, else
 * `/work/shared/fixtures/models/`. Throws, naming the places it looked, when it is in none.
 */
export function fixtureModelPath(): string {
  const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const places = [
    process.env.OUTPOST_FIXTURE_MODEL,
    `${repositoryRoot}../shared/fixtures/models/${FILE_NAME}`,
    `/work/shared/fixtures/models/${FILE_NAME}`,
  ].filter((place): place is string => place !== undefined && place !== '');
  const found = places.find((place) => existsSync(place));
  if (found === undefined) {
    throw new Error(
      `The fixture model ${FILE_NAME} was not found. Looked in: ${places.join(', ')}. ` +
        'Set OUTPOST_FIXTURE_MODEL to its path.',
    );
  }
  return resolve(found);
}
