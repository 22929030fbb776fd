/**
 * An estimate of the tokens in `text`: about one token per 4 characters, which is close for
 * English prose and code under common BPE tokenizers. Used where the runtime's own tokenizer is
 * out of reach (an HTTP server); budget with a margin, never as an exact count.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
