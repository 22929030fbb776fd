import type { LanguageModel, ModelErrorInfo } from '@outpost/protocol';
import { collectStream } from './stream-result.js';

export interface ModelSpeed {
  promptTokens: number;
  /** Prompt tokens the runtime evaluated (fewer than `promptTokens` when it reused a cache). */
  evaluatedPromptTokens: number;
  generatedTokens: number;
  /** From sending the request to the first generated text: loading plus prompt processing. */
  timeToFirstTokenMs: number;
  generationMs: number;
  promptTokensPerSecond: number | undefined;
  generationTokensPerSecond: number | undefined;
  /** The start of what the model wrote, to show it works. */
  sample: string;
}

const FILLER =
  'The quick brown fox jumps over the lazy dog while the small cat sleeps in the warm sun. ';

/**
 * Loads the model (its first request does), sends a prompt of about `promptWords` words and
 * generates up to `maxOutputTokens` tokens, timing both phases: prompt processing is the time to
 * the first token, generation the time after it. Works for every adapter that reports usage.
 */
export async function measureModelSpeed(
  model: LanguageModel,
  options: {
    promptWords?: number;
    maxOutputTokens?: number;
    signal?: AbortSignal;
    now?: () => number;
    /** Called once before the timed request, after a one-token warm-up that loads the model. */
    onLoaded?: (loadMs: number) => void;
  } = {},
): Promise<{ success: true; speed: ModelSpeed } | { success: false; error: ModelErrorInfo }> {
  const now = options.now ?? (() => performance.now());
  const signal = options.signal;
  const loadStarted = now();
  const warmUp = await collectStream(
    model.stream({
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [],
      maxOutputTokens: 1,
      temperature: 0,
      ...(signal ? { signal } : {}),
    }),
  );
  if (warmUp.error) return { success: false, error: warmUp.error };
  options.onLoaded?.(now() - loadStarted);

  const words = options.promptWords ?? 200;
  const repeats = Math.ceil(words / FILLER.split(' ').length);
  const prompt = `${FILLER.repeat(repeats)}\nWrite a short story about the fox.`;
  const started = now();
  let firstToken: number | undefined;
  const result = await collectStream(
    model.stream({
      messages: [{ role: 'user', content: prompt }],
      tools: [],
      maxOutputTokens: options.maxOutputTokens ?? 48,
      temperature: 0,
      ...(signal ? { signal } : {}),
    }),
    (part) => {
      if (part.type === 'text-delta' || part.type === 'reasoning-delta') firstToken ??= now();
    },
  );
  if (result.error) return { success: false, error: result.error };
  const ended = now();
  const first = firstToken ?? ended;
  const promptTokens = result.usage?.inputTokens ?? (await model.countTokens(prompt));
  const evaluatedPromptTokens = result.usage?.evaluatedInputTokens ?? promptTokens;
  const generatedTokens =
    result.usage?.outputTokens ?? (await model.countTokens(result.text + result.reasoning));
  const timeToFirstTokenMs = first - started;
  const generationMs = ended - first;
  return {
    success: true,
    speed: {
      promptTokens,
      evaluatedPromptTokens,
      generatedTokens,
      timeToFirstTokenMs,
      generationMs,
      promptTokensPerSecond: rate(evaluatedPromptTokens, timeToFirstTokenMs),
      // The first token came with the prompt phase; the rest were generated after it.
      generationTokensPerSecond: rate(generatedTokens - 1, generationMs),
      sample: (result.text || result.reasoning).trim().slice(0, 120),
    },
  };
}

function rate(tokens: number, milliseconds: number): number | undefined {
  if (tokens <= 0 || milliseconds <= 0) return undefined;
  return (tokens / milliseconds) * 1000;
}
