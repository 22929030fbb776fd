/**
 * Splits a byte stream of newline-delimited JSON into whole lines. A line may arrive split across
 * chunks (even inside a multi-byte character), several may arrive in one chunk, and the last may
 * lack its newline; blank lines are skipped. Lines are returned as text, not parsed.
 */
export class NdjsonLineSplitter {
  readonly #decoder = new TextDecoder();
  #pending = '';

  /** The lines completed by `bytes`. */
  push(bytes: Uint8Array): string[] {
    this.#pending += this.#decoder.decode(bytes, { stream: true });
    const pieces = this.#pending.split('\n');
    this.#pending = pieces.pop() ?? '';
    return pieces.map((line) => line.trim()).filter((line) => line !== '');
  }

  /** The last line when the stream ended without a newline after it. */
  finish(): string[] {
    const line = (this.#pending + this.#decoder.decode()).trim();
    this.#pending = '';
    return line === '' ? [] : [line];
  }
}
