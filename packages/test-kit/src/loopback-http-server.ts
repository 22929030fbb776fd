import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The HTTP plumbing the fake servers share: a server on 127.0.0.1 and a random port, a handler
 * whose failure becomes a 500 (or a dropped connection once headers went out), and a `close()`
 * that also ends hanging connections. `closing` aborts when `close()` starts, to stop waits.
 */
export class LoopbackHttpServer {
  readonly closing = new AbortController();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;
  #closed: Promise<void> | undefined;

  constructor(
    handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
    failed: (response: ServerResponse, message: string) => void,
  ) {
    this.#server = createServer((request, response) => {
      handle(request, response).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (response.headersSent) response.destroy();
        else failed(response, message);
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Kept after `close()`, so a test can point a client at a port nobody listens on. */
  get port(): number {
    return this.#port;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops the server and destroys open connections, hanging ones included. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve, reject) => {
      this.closing.abort();
      this.#server.close((error) => (error ? reject(error) : resolve()));
      for (const socket of this.#sockets) socket.destroy();
      this.#server.closeAllConnections();
    });
    return this.#closed;
  }
}

/** The whole request body as text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** A JSON body parsed; text that is not JSON is kept as sent (a test may assert on it). */
export function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // Recorded as sent: a test asserting on a malformed body wants to see it.
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** Resolves once the data reached the socket, so a following `destroy()` cannot drop it. */
export function write(response: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => {
    response.write(data, () => resolve());
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
