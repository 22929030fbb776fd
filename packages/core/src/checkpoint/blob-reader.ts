import { CheckpointError } from './checkpoint-error.js';
import type { GitProcess } from './git-process.js';

/** Reads blobs byte for byte from one `git cat-file --batch` process. */
export interface BlobReader {
  read(oid: string): Promise<Buffer>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (content: Buffer) => void;
  reject: (error: Error) => void;
}

/**
 * `git cat-file --batch` answers each object id written to it with `<oid> <type> <size>\n`, the
 * raw content and `\n` (or `<oid> missing\n`), in order; requests may be pipelined.
 */
export function openBlobReader(git: GitProcess): BlobReader {
  const child = git.start(['cat-file', '--batch']);
  const pending: Pending[] = [];
  let buffered: Buffer = Buffer.alloc(0);
  let failure: Error | undefined;
  let stderr = '';

  const fail = (error: Error) => {
    failure ??= error;
    for (const request of pending.splice(0)) request.reject(failure);
  };

  const drain = () => {
    for (;;) {
      const request = pending[0];
      if (request === undefined) return;
      const newline = buffered.indexOf(0x0a);
      if (newline < 0) return;
      const header = buffered.subarray(0, newline).toString('utf8');
      const [oid, type, sizeText] = header.split(' ');
      if (type === 'missing' || type === undefined) {
        buffered = buffered.subarray(newline + 1);
        pending.shift();
        request.reject(new CheckpointError(`The snapshot's object ${oid ?? header} is missing.`));
        continue;
      }
      const size = Number(sizeText);
      if (buffered.length < newline + 1 + size + 1) return;
      const content = Buffer.from(buffered.subarray(newline + 1, newline + 1 + size));
      buffered = buffered.subarray(newline + 1 + size + 1);
      pending.shift();
      if (type === 'blob') request.resolve(content);
      else
        request.reject(
          new CheckpointError(`The snapshot's object ${oid} is a ${type}, not a file.`),
        );
    }
  };

  child.stdout.on('data', (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    drain();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.on('error', (error) =>
    fail(new CheckpointError(`git cat-file could not start: ${error.message}`)),
  );
  const closed = new Promise<void>((resolve) =>
    child.on('close', () => {
      fail(new CheckpointError(`git cat-file stopped early: ${stderr.trim() || 'no message'}`));
      resolve();
    }),
  );
  // Writing after git has gone fails the pending reads through `close`, with git's message.
  child.stdin.on('error', () => undefined);

  return {
    read(oid) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        pending.push({ resolve, reject });
        child.stdin.write(`${oid}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await closed;
    },
  };
}
