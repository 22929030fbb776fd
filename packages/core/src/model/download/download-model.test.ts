import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fakeGgufBytes,
  type GgufFileServer,
  sha256Of,
  startGgufFileServer,
} from './__fixtures__/gguf-file-server.js';
import { AgentError } from '../../errors/agent-error.js';
import { ModelDownloadError } from './download-error.js';
import { downloadModel } from './download-model.js';
import type { DownloadModelOptions, DownloadProgress } from './download-options.js';

const seed = 20_241_001;
const body = fakeGgufBytes(300 * 1024, seed);
const bodySha256 = sha256Of(body);
const fileName = 'tiny-coder.gguf';

let server: GgufFileServer;
let root: string;
let directory: string;

beforeEach(async () => {
  server = await startGgufFileServer(body);
  root = await mkdtemp(join(tmpdir(), 'outpost-download-'));
  directory = join(root, 'models');
});

afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

function options(overrides: Partial<DownloadModelOptions> = {}): DownloadModelOptions {
  return { url: server.url(), directory, fileName, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<ModelDownloadError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ModelDownloadError)) {
    throw new Error(`expected a ModelDownloadError, got ${String(error)}`);
  }
  return error;
}

async function entries(): Promise<string[]> {
  return (await readdir(directory)).sort();
}

const leftovers = [`.${fileName}.partial`, `.${fileName}.partial.json`];

describe('downloadModel', () => {
  it(`downloads, verifies and renames into place (fake GGUF seed ${seed})`, async () => {
    const result = await downloadModel(options({ sha256: bodySha256, expectedSize: body.length }));

    expect(result).toEqual({
      path: join(directory, fileName),
      sizeBytes: body.length,
      sha256: bodySha256,
      resumedFromBytes: 0,
      verified: true,
      alreadyPresent: false,
    });
    expect((await readFile(result.path)).equals(body)).toBe(true);
    expect(await entries()).toEqual([fileName]);
  });

  it('reports unverified when no checksum is known, and still computes it', async () => {
    const result = await downloadModel(options());
    expect(result.verified).toBe(false);
    expect(result.sha256).toBe(bodySha256);
  });

  it('reports progress that increases monotonically and ends at the total', async () => {
    const progress: DownloadProgress[] = [];
    await downloadModel(options({ onProgress: (update) => progress.push(update) }));

    expect(progress.length).toBeGreaterThan(2);
    for (const [index, update] of progress.entries()) {
      expect(update.totalBytes).toBe(body.length);
      expect(update.resumedFromBytes).toBe(0);
      if (index > 0)
        expect(update.receivedBytes).toBeGreaterThan(progress[index - 1]!.receivedBytes);
    }
    expect(progress.at(-1)?.receivedBytes).toBe(body.length);
  });

  it('resumes after the server drops the connection, asking only for the rest', async () => {
    server.next({ dropAfterBytes: 100 * 1024 });
    const dropped = await failure(downloadModel(options({ sha256: bodySha256 })));
    expect(dropped.kind).toBe('interrupted');
    expect(dropped.isRetryable).toBe(true);
    expect(dropped.message).toMatch(/run the same command again to resume/);
    expect(await entries()).toEqual(leftovers);
    const kept = (await stat(join(directory, leftovers[0]!))).size;
    expect(kept).toBeGreaterThan(0);

    const result = await downloadModel(options({ sha256: bodySha256 }));

    const resumed = server.requests[1]!;
    expect(resumed.headers.range).toBe(`bytes=${kept}-`);
    expect(resumed.headers['if-range']).toBe(server.etag);
    expect(resumed.status).toBe(206);
    expect(resumed.bodyBytesSent).toBe(body.length - kept);
    expect(result.resumedFromBytes).toBe(kept);
    expect(result.sha256).toBe(bodySha256);
    expect(result.verified).toBe(true);
    expect((await readFile(result.path)).equals(body)).toBe(true);
    expect(await entries()).toEqual([fileName]);
  });

  it('starts over cleanly when the server ignores the range and sends the whole file', async () => {
    server.next({ dropAfterBytes: 64 * 1024 }, { ignoreRange: true });
    await failure(downloadModel(options()));

    const result = await downloadModel(options({ sha256: bodySha256 }));

    expect(server.requests[1]?.headers.range).toMatch(/^bytes=\d+-$/);
    expect(server.requests[1]?.status).toBe(200);
    expect(result.resumedFromBytes).toBe(0);
    expect((await readFile(result.path)).equals(body)).toBe(true);
    expect(await entries()).toEqual([fileName]);
  });

  it('starts over when the file changed on the server (If-Range no longer matches)', async () => {
    server.next({ dropAfterBytes: 64 * 1024 });
    await failure(downloadModel(options()));
    const changed = fakeGgufBytes(200 * 1024, seed + 1);
    server.body = changed;
    server.etag = '"changed"';

    const result = await downloadModel(options());

    expect(server.requests[1]?.status).toBe(200);
    expect(result.resumedFromBytes).toBe(0);
    expect((await readFile(result.path)).equals(changed)).toBe(true);
  });

  it('verifies a partial that is already complete when the server answers 416', async () => {
    server.next({ stallAfterBytes: body.length });
    const controller = new AbortController();
    const stopped = downloadModel(
      options({
        signal: controller.signal,
        onProgress: ({ receivedBytes }) => {
          if (receivedBytes === body.length) controller.abort();
        },
      }),
    );
    expect((await failure(stopped)).kind).toBe('cancelled');
    expect(await entries()).toEqual(leftovers);

    const result = await downloadModel(options({ sha256: bodySha256 }));

    expect(server.requests[1]?.status).toBe(416);
    expect(server.requests[1]?.bodyBytesSent).toBe(0);
    expect(result).toMatchObject({ resumedFromBytes: body.length, verified: true });
    expect((await readFile(result.path)).equals(body)).toBe(true);
    expect(await entries()).toEqual([fileName]);
  });

  it('deletes everything and says so when the checksum does not match', async () => {
    const wrong = 'a'.repeat(64);
    const error = await failure(downloadModel(options({ sha256: wrong })));

    expect(error.kind).toBe('checksum');
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(bodySha256);
    expect(await entries()).toEqual([]);
  });

  it('refuses a body that is not a GGUF file and leaves nothing behind', async () => {
    server.body = Buffer.from(`<!doctype html><title>Sign in</title>${'x'.repeat(200_000)}`);
    const error = await failure(downloadModel(options()));

    expect(error.kind).toBe('not-gguf');
    expect(error.message).toMatch(/not a GGUF model/);
    expect(await entries()).toEqual([]);
  });

  it('refuses a file whose announced size is not the expected one', async () => {
    const error = await failure(downloadModel(options({ expectedSize: body.length + 1 })));
    expect(error.kind).toBe('size');
    expect(await entries()).toEqual([]);
  });

  it('keeps only the hidden partial when aborted, and the next call resumes', async () => {
    server.next({ stallAfterBytes: 128 * 1024 });
    const controller = new AbortController();
    const cancelled = await failure(
      downloadModel(
        options({
          signal: controller.signal,
          onProgress: ({ receivedBytes }) => {
            if (receivedBytes >= 128 * 1024) controller.abort();
          },
        }),
      ),
    );

    expect(cancelled.kind).toBe('cancelled');
    const names = await entries();
    expect(names).toEqual(leftovers);
    expect(names.filter((name) => name.endsWith('.gguf'))).toEqual([]);

    const result = await downloadModel(options({ sha256: bodySha256 }));
    expect(result.resumedFromBytes).toBe(128 * 1024);
    expect((await readFile(result.path)).equals(body)).toBe(true);
  });

  it('fails a stalled connection after the idle timeout, keeping the partial', async () => {
    server.next({ stallAfterBytes: 32 * 1024 });
    const error = await failure(downloadModel(options({ idleTimeoutMs: 200 })));

    expect(error.kind).toBe('interrupted');
    expect(error.message).toMatch(/sent nothing for 200 ms/);
    expect(await entries()).toEqual(leftovers);
  });

  it('never times out a slow download that keeps making progress', async () => {
    // 19 pieces 60 ms apart take over a second, twice the idle timeout.
    server.next({ pieceDelayMs: 60 });
    const result = await downloadModel(options({ idleTimeoutMs: 500 }));
    expect((await readFile(result.path)).equals(body)).toBe(true);
  });

  it('says the site is unreachable and how to add a model by hand when nothing listens', async () => {
    const port = await closedPort();
    const error = await failure(
      downloadModel(options({ url: `http://127.0.0.1:${port}/models/x.gguf` })),
    );

    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/unreachable \(connection refused\)/);
    expect(error.message).toMatch(/Outpost may be offline/);
    expect(error.message).toContain('outpost models add PATH');
    expect(await entries()).toEqual([]);
  });

  it.each([
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'name lookup failed'],
    ['ENETUNREACH', 'network unreachable'],
  ])('treats %s as unreachable', async (code, reason) => {
    const failingFetch: typeof fetch = () =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error(`getaddrinfo ${code} huggingface.co`), { code }),
        }),
      );
    const error = await failure(
      downloadModel(
        options({ url: 'https://huggingface.co/o/r/resolve/main/x.gguf', fetch: failingFetch }),
      ),
    );
    expect(error.kind).toBe('unreachable');
    expect(error.message).toContain(`huggingface.co is unreachable (${reason})`);
    expect(error.message).toContain('outpost models add PATH');
  });

  it('passes an Outpost error from the injected fetch through unchanged (e.g. offline mode)', async () => {
    class RefusedError extends AgentError {}
    const refused = new RefusedError(
      'Outpost is offline, so it did not connect to huggingface.co.',
    );
    const direct: typeof fetch = () => Promise.reject(refused);
    const wrapped: typeof fetch = () =>
      Promise.reject(new TypeError('fetch failed', { cause: refused }));

    for (const guardedFetch of [direct, wrapped]) {
      const error: unknown = await downloadModel(options({ fetch: guardedFetch })).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBe(refused);
    }
    expect(await entries()).toEqual([]);
  });

  it.each([
    [404, /answered 404 Not Found.*check the model name or URL/],
    [403, /answered 403 Forbidden.*gated or private/],
    [503, /answered 503 Service Unavailable.*try again later/],
  ])('explains an HTTP %i', async (status, message) => {
    server.next({ status });
    const error = await failure(downloadModel(options()));
    expect(error.kind).toBe('http');
    expect(error.statusCode).toBe(status);
    expect(error.message).toMatch(message);
    expect((await entries()).filter((name) => name.endsWith('.gguf'))).toEqual([]);
  });

  it('reports an existing final file without downloading it again', async () => {
    await downloadModel(options());
    const requests = server.requests.length;

    const again = await downloadModel(options({ sha256: bodySha256 }));

    expect(server.requests.length).toBe(requests);
    expect(again).toMatchObject({ alreadyPresent: true, verified: true, sha256: bodySha256 });
  });

  it('refuses an existing file that is not the expected one, and replaces it with force', async () => {
    await downloadModel(options());
    await writeFile(join(directory, fileName), fakeGgufBytes(1024, seed + 2));

    const error = await failure(downloadModel(options({ sha256: bodySha256 })));
    expect(error.kind).toBe('existing-file');
    expect(error.message).toMatch(/--force/);

    const forced = await downloadModel(options({ sha256: bodySha256, force: true }));
    expect(forced.alreadyPresent).toBe(false);
    expect((await readFile(forced.path)).equals(body)).toBe(true);
  });

  it('does not resume a partial that belongs to another URL', async () => {
    server.next({ dropAfterBytes: 64 * 1024 });
    await failure(downloadModel(options({ url: server.url('old.gguf') })));

    const result = await downloadModel(options({ url: server.url('new.gguf') }));

    expect(server.requests[1]?.headers.range).toBeUndefined();
    expect(result.resumedFromBytes).toBe(0);
    expect((await readFile(result.path)).equals(body)).toBe(true);
  });

  it('rejects a file name that could be mistaken for a partial or escape the folder', async () => {
    for (const name of ['.hidden.gguf', 'model.bin', '../escape.gguf']) {
      const error = await failure(downloadModel(options({ fileName: name })));
      expect(error.kind).toBe('invalid-target');
    }
    expect(server.requests).toEqual([]);
  });
});

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
