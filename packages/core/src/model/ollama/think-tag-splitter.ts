import type { StreamPart } from '@outpost/protocol';

const open = '<think>';
const close = '</think>';

type State = 'start' | 'thinking' | 'after-thinking' | 'text';

/**
 * Separates reasoning a model writes as `<think>…</think>` at the very start of its content
 * (models whose Ollama template does not split it into `thinking`). Only a block at the start
 * counts: a `<think>` later in the answer is text. Tags may arrive split across deltas; text that
 * could still be the start of a tag is held back until the next delta or `flush()`.
 */
export class ThinkTagSplitter {
  #state: State = 'start';
  #pending = '';

  push(text: string): StreamPart[] {
    this.#pending += text;
    const parts: StreamPart[] = [];
    for (;;) {
      if (this.#state === 'start') {
        const trimmed = this.#pending.trimStart();
        if (trimmed.startsWith(open)) {
          this.#state = 'thinking';
          this.#pending = trimmed.slice(open.length);
          continue;
        }
        if (open.startsWith(trimmed)) return parts; // Could still become `<think>`.
        this.#state = 'text';
      }
      if (this.#state === 'thinking') {
        const end = this.#pending.indexOf(close);
        if (end >= 0) {
          add(parts, 'reasoning-delta', this.#pending.slice(0, end));
          this.#pending = this.#pending.slice(end + close.length);
          this.#state = 'after-thinking';
          continue;
        }
        const keep = partialSuffix(this.#pending, close);
        add(parts, 'reasoning-delta', this.#pending.slice(0, this.#pending.length - keep));
        this.#pending = this.#pending.slice(this.#pending.length - keep);
        return parts;
      }
      if (this.#state === 'after-thinking') {
        // The blank line models put between their reasoning and the answer is not part of it.
        this.#pending = this.#pending.trimStart();
        if (this.#pending === '') return parts;
        this.#state = 'text';
      }
      add(parts, 'text-delta', this.#pending);
      this.#pending = '';
      return parts;
    }
  }

  /** What is still held back, at the end of the content. */
  flush(): StreamPart[] {
    const parts: StreamPart[] = [];
    add(parts, this.#state === 'thinking' ? 'reasoning-delta' : 'text-delta', this.#pending);
    this.#pending = '';
    return parts;
  }
}

function add(parts: StreamPart[], type: 'text-delta' | 'reasoning-delta', text: string): void {
  if (text !== '') parts.push({ type, text });
}

/** The length of the longest end of `text` that is a start of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
