import { createHash } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the server does with one request; unset fields mean "behave like a good file server". */
export interface ServerBehaviour {
  /** Answer with this status and a short text body instead of the file. */
  status?: number;
  /** Ignore `Range` and always send the whole file with 200. */
  ignoreRange?: boolean;
  /** Send this many body bytes, then destroy the connection. */
  dropAfterBytes?: number;
  /** Send this many body bytes, then send nothing more (the connection stays open). */
  stallAfterBytes?: number;
  /** Pause this long between 16 KiB pieces of the body. */
  pieceDelayMs?: number;
}

/** A request as the server received it, and how many body bytes it answered with. */
export interface ServedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
  bodyBytesSent: number;
}

/**
 * A real HTTP file server on 127.0.0.1 for download tests: serves `body` at every path with an
 * ETag and Last-Modified, honours `Range` (206, 416) and `If-Range`, and misbehaves on request:
 * `next(...)` queues behaviours, one per request; `behave(...)` sets the default for the rest.
 */
export interface GgufFileServer {
  /** `http://127.0.0.1:PORT/models/NAME` */
  url(name?: string): string;
  readonly requests: ServedRequest[];
  /** The bytes served; replace it (with a new `etag`) to simulate a changed file. */
  body: Buffer;
  etag: string;
  next(...behaviours: ServerBehaviour[]): void;
  behave(behaviour: ServerBehaviour): void;
  close(): Promise<void>;
}

const pieceBytes = 16 * 1024;

export async function startGgufFileServer(body: Buffer): Promise<GgufFileServer> {
  const queue: ServerBehaviour[] = [];
  let fallback: ServerBehaviour = {};
  const sockets = new Set<Socket>();
  const requests: ServedRequest[] = [];
  const state = { body, etag: etagOf(body) };

  const server = createServer((request, response) => {
    const behaviour = queue.shift() ?? fallback;
    const served: ServedRequest = {
      path: request.url ?? '',
      headers: request.headers,
      status: 0,
      bodyBytesSent: 0,
    };
    requests.push(served);
    void answer(request, response, behaviour, served, state.body, state.etag);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (name = 'model.gguf') => `http://127.0.0.1:${port}/models/${name}`,
    requests,
    get body() {
      return state.body;
    },
    set body(value: Buffer) {
      state.body = value;
    },
    get etag() {
      return state.etag;
    },
    set etag(value: string) {
      state.etag = value;
    },
    next: (...behaviours) => queue.push(...behaviours),
    behave: (behaviour) => {
      fallback = behaviour;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `GGUF` followed by deterministic pseudo-random bytes from `seed` (xorshift32). */
export function fakeGgufBytes(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  bytes.write('GGUF', 0, 'latin1');
  let x = seed >>> 0 || 1;
  for (let index = 4; index < size; index++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[index] = x & 0xff;
  }
  return bytes;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function etagOf(bytes: Buffer): string {
  return `"${sha256Of(bytes).slice(0, 16)}"`;
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  behaviour: ServerBehaviour,
  served: ServedRequest,
  body: Buffer,
  etag: string,
): Promise<void> {
  if (behaviour.status !== undefined) {
    served.status = behaviour.status;
    response.writeHead(behaviour.status, { 'content-type': 'text/plain' });
    response.end(`status ${behaviour.status}`);
    return;
  }
  const validators = {
    etag,
    'last-modified': 'Tue, 01 Oct 2024 10:00:00 GMT',
    // A misbehaving response never ends cleanly: no client may queue its next request behind it.
    ...(behaviour.stallAfterBytes !== undefined || behaviour.dropAfterBytes !== undefined
      ? { connection: 'close' }
      : {}),
  };
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const ifRange = request.headers['if-range'];
  const rangeApplies = range !== null && !behaviour.ignoreRange && (!ifRange || ifRange === etag);
  let start = 0;
  if (rangeApplies) {
    start = Number(range[1]);
    if (start >= body.length) {
      served.status = 416;
      response.writeHead(416, { 'content-range': `bytes */${body.length}`, ...validators });
      response.end();
      return;
    }
    served.status = 206;
    response.writeHead(206, {
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      'content-length': body.length - start,
      'accept-ranges': 'bytes',
      ...validators,
    });
  } else {
    served.status = 200;
    response.writeHead(200, {
      'content-length': body.length,
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      ...validators,
    });
  }
  const part = body.subarray(start);
  const limit = Math.min(part.length, behaviour.dropAfterBytes ?? behaviour.stallAfterBytes ?? part.length);
  for (let sent = 0; sent < limit; sent += pieceBytes) {
    const piece = part.subarray(sent, Math.min(limit, sent + pieceBytes));
    await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    served.bodyBytesSent += piece.length;
    if (behaviour.pieceDelayMs !== undefined) await sleep(behaviour.pieceDelayMs);
    if (response.destroyed) return;
  }
  if (behaviour.dropAfterBytes !== undefined) {
    response.socket?.destroy();
    return;
  }
  if (behaviour.stallAfterBytes !== undefined) return;
  response.end();
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
