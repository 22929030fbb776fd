import type { ModelCandidate } from './discover-models.js';

/**
 * Picks the model to use when the user named none. A model a server already has in memory
 * answers at once, so loaded server models come first (llama.cpp server, then LM Studio, then
 * Ollama); then any server model; then a GGUF file run in-process. Among several of a kind,
 * coder and instruct models beat others, and a larger model beats a smaller one as long as it
 * fits comfortably in memory. Embedding-only models and unreadable files never chat.
 */
export function pickBestModel(
  candidates: readonly ModelCandidate[],
  options: { totalMemoryBytes: number },
): ModelCandidate | undefined {
  const usable = candidates.filter(
    (candidate) =>
      !candidate.capabilities.embeddings && !(candidate.kind === 'file' && candidate.problem),
  );
  const ranked = usable
    .map((candidate, order) => ({ candidate, order, score: score(candidate, options) }))
    .sort((a, b) => b.score - a.score || a.order - b.order);
  return ranked[0]?.candidate;
}

function score(candidate: ModelCandidate, options: { totalMemoryBytes: number }): number {
  let value = 0;
  if (candidate.kind === 'server') value += candidate.loaded ? 4_000 : 2_000;
  const name = candidate.name.toLowerCase();
  if (name.includes('coder') || name.includes('code')) value += 200;
  if (name.includes('instruct') || name.includes('chat')) value += 100;
  const size = candidate.sizeBytes;
  if (size !== undefined) {
    const fits = size < options.totalMemoryBytes * 0.6;
    // Up to 99 points for size (one per 100 MB), none for a model that would not fit.
    value += fits ? Math.min(99, Math.floor(size / 100_000_000)) : -1_000;
  }
  return value;
}

/** Describes a candidate in a few words: `embedded qwen2.5-coder-1.5b`, `Ollama qwen3:8b`. */
export function describeCandidate(candidate: ModelCandidate): string {
  if (candidate.kind === 'file') return `${candidate.name} (${candidate.path}, run in-process)`;
  return `${candidate.name} on ${candidate.server} at ${candidate.baseUrl}`;
}
