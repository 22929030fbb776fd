import { readTextAsset } from '../tool/text-asset.js';

/**
 * The system prompt: the first part of the stable prompt prefix (DESIGN §3.2). It holds nothing
 * that changes between requests of a session (no time, no git status), so a runtime's KV cache
 * is reused from one turn to the next.
 */
export function loadSystemPrompt(): string {
  return readTextAsset(new URL('./system.md', import.meta.url));
}
