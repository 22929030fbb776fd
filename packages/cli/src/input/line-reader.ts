import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';

export interface LineReader {
  /** Shows `prompt` and resolves with the next line, or undefined when input has ended. */
  question(prompt: string): Promise<string | undefined>;
  /** Called on Ctrl-C while reading from a terminal. */
  onInterrupt(handler: () => void): void;
  close(): void;
}

/**
 * Reads lines from a terminal or a pipe alike. Unlike readline's `question`, it resolves with
 * `undefined` at end of input instead of hanging, so piped sessions end cleanly.
 */
export function createLineReader(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): LineReader {
  const readline: Interface = createInterface({
    input,
    output,
    terminal: (input as NodeJS.ReadStream).isTTY === true,
  });
  const buffered: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  let interruptHandler: (() => void) | undefined;

  readline.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else buffered.push(line);
  });
  readline.on('close', () => {
    ended = true;
    for (const next of waiting.splice(0)) next(undefined);
  });
  readline.on('SIGINT', () => {
    if (interruptHandler) interruptHandler();
    else readline.close();
  });

  return {
    question(prompt) {
      const line = buffered.shift();
      if (line !== undefined) {
        output.write(prompt);
        output.write(`${line}\n`);
        return Promise.resolve(line);
      }
      if (ended) return Promise.resolve(undefined);
      readline.setPrompt(prompt);
      readline.prompt();
      return new Promise((resolve) => waiting.push(resolve));
    },
    onInterrupt(handler) {
      interruptHandler = handler;
    },
    close() {
      readline.close();
    },
  };
}
