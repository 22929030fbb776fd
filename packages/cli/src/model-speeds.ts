import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * Prompt-processing speeds measured by `outpost models test`, kept per model on this device
 * (`$OUTPOST_HOME/model-speeds.json`): a slow model gets a smaller prompt profile.
 */
const Speeds = z.record(
  z.string(),
  z.object({
    promptTokensPerSecond: z.number().positive(),
    generationTokensPerSecond: z.number().positive().optional(),
    measuredAt: z.string(),
  }),
);
type Speeds = z.infer<typeof Speeds>;

export function modelSpeedsPath(dataDirectory: string): string {
  return join(dataDirectory, 'model-speeds.json');
}

function key(provider: string, modelId: string): string {
  return `${provider}:${modelId}`;
}

/** The recorded speeds; a missing or unreadable file is no measurement (it is only a hint). */
function readSpeeds(path: string): Speeds {
  if (!existsSync(path)) return {};
  try {
    const parsed = Speeds.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    // A damaged hint file: measuring again (`outpost models test`) rewrites it.
    return {};
  }
}

export function readPromptSpeed(
  path: string,
  provider: string,
  modelId: string,
): number | undefined {
  return readSpeeds(path)[key(provider, modelId)]?.promptTokensPerSecond;
}

/** The measured generation speed (tokens per second), which the model router ranks by. */
export function readGenerationSpeed(
  path: string,
  provider: string,
  modelId: string,
): number | undefined {
  return readSpeeds(path)[key(provider, modelId)]?.generationTokensPerSecond;
}

export function recordModelSpeed(
  path: string,
  provider: string,
  modelId: string,
  speed: { promptTokensPerSecond: number; generationTokensPerSecond?: number },
  now: Date = new Date(),
): void {
  const speeds = readSpeeds(path);
  speeds[key(provider, modelId)] = { ...speed, measuredAt: now.toISOString() };
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(speeds, null, 2)}\n`);
  renameSync(temporary, path);
}
