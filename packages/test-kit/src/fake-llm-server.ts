import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  embeddingInputTexts,
  type FakeEmbedder,
  fakeEmbeddingDimensions,
  wordOverlapEmbedder,
} from './fake-embeddings.js';
import {
  type CompletionMeta,
  toChunkObject,
  toCompletionObject,
  toErrorObject,
} from './openai-wire.js';
import { type ReplyInput, type ReplyScript, toReplyScript } from './reply.js';
import { type ReplyChunk, replyChunks } from './reply-chunks.js';
import {
  isRecord,
  LoopbackHttpServer,
  parseBody,
  readBody,
  sendJson,
  write,
} from './loopback-http-server.js';

/** A request as the fake server received it. */
export interface RecordedRequest {
  method: string;
  /** URL path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-case header names, as node reports them. */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
}

export interface FakeLlmServerOptions {
  /** Ids listed by `GET /v1/models`; default `['fake-model']`. */
  models?: string[];
  /** When set, `GET /props` answers like llama.cpp server with this `n_ctx`. */
  contextWindow?: number;
  /** Length of the default embeddings (`wordOverlapVector`); default 128. */
  embeddingDimensions?: number;
  /** Answers `POST /v1/embeddings` instead of the default word-overlap vectors. */
  embedder?: FakeEmbedder;
}

export type Responder = (request: RecordedRequest) => ReplyInput;

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI Chat Completions API, scripted by tests and
 * recording every request. Routes: `POST /v1/chat/completions` (SSE when `stream: true`, else
 * JSON), `POST /v1/embeddings` (deterministic word-overlap vectors, a 404 for a model not in
 * `models`), `GET /v1/models`, `GET /props` (with `contextWindow`); anything else answers 404.
 */
export interface FakeLlmServer {
  /** `http://127.0.0.1:PORT/v1` */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request in arrival order, chat or not. */
  readonly requests: RecordedRequest[];
  /** Only the chat requests (`POST /v1/chat/completions`), in arrival order. */
  readonly chatRequests: RecordedRequest[];
  /** Only the embedding requests (`POST /v1/embeddings`), in arrival order. */
  readonly embeddingRequests: RecordedRequest[];
  /** Replies still queued. */
  readonly queued: number;
  /** Queues replies; each chat request consumes the next one. */
  push(...replies: ReplyInput[]): void;
  /** Answers chat requests when the queue is empty; `undefined` removes the responder. */
  respond(responder: Responder | undefined): void;
  /** Answers embedding requests with `embedder`; `undefined` restores the default vectors. */
  embedWith(embedder: FakeEmbedder | undefined): void;
  /** Stops the server and destroys open connections, hanging ones included. Idempotent. */
  close(): Promise<void>;
}

export async function startFakeLlmServer(
  options: FakeLlmServerOptions = {},
): Promise<FakeLlmServer> {
  const fake = new ScriptedServer(options);
  await fake.listen();
  return fake;
}

class ScriptedServer implements FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  get chatRequests(): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.method === 'POST' && request.path === '/v1/chat/completions',
    );
  }
  get embeddingRequests(): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.method === 'POST' && request.path === '/v1/embeddings',
    );
  }
  readonly #models: string[];
  readonly #contextWindow: number | undefined;
  readonly #defaultEmbedder: FakeEmbedder;
  #embedder: FakeEmbedder;
  readonly #http: LoopbackHttpServer;
  readonly #queue: ReplyInput[] = [];
  #responder: Responder | undefined;
  #chatCount = 0;

  constructor(options: FakeLlmServerOptions) {
    this.#models = options.models ?? ['fake-model'];
    this.#contextWindow = options.contextWindow;
    this.#defaultEmbedder = wordOverlapEmbedder(
      options.embeddingDimensions ?? fakeEmbeddingDimensions,
    );
    this.#embedder = options.embedder ?? this.#defaultEmbedder;
    this.#http = new LoopbackHttpServer(
      (request, response) => this.#handle(request, response),
      (response, message) =>
        sendJson(response, 500, toErrorObject(500, `Fake LLM server failed: ${message}`)),
    );
  }

  /** Kept after `close()`, so a test can point a client at a port nobody listens on. */
  get port(): number {
    return this.#http.port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#http.port}/v1`;
  }

  get queued(): number {
    return this.#queue.length;
  }

  listen(): Promise<void> {
    return this.#http.listen();
  }

  push(...replies: ReplyInput[]): void {
    this.#queue.push(...replies);
  }

  respond(responder: Responder | undefined): void {
    this.#responder = responder;
  }

  embedWith(embedder: FakeEmbedder | undefined): void {
    this.#embedder = embedder ?? this.#defaultEmbedder;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A client that goes away mid-stream makes later writes fail; the test sees that on its side.
    response.on('error', () => undefined);
    const text = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://fake.invalid').pathname;
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path,
      headers: { ...request.headers },
      body: parseBody(text),
    };
    this.requests.push(recorded);
    const route = `${recorded.method} ${path}`;
    if (route === 'POST /v1/chat/completions') return this.#chat(recorded, response);
    if (route === 'POST /v1/embeddings') return this.#embeddings(recorded, response);
    if (route === 'GET /v1/models') return sendJson(response, 200, this.#modelList());
    if (route === 'GET /props' && this.#contextWindow !== undefined) {
      const settings = { n_ctx: this.#contextWindow };
      return sendJson(response, 200, { default_generation_settings: settings, total_slots: 1 });
    }
    sendJson(response, 404, toErrorObject(404, `Fake LLM server: unknown route ${route}.`));
  }

  async #chat(recorded: RecordedRequest, response: ServerResponse): Promise<void> {
    const number = ++this.#chatCount;
    const input = this.#queue.shift() ?? this.#responder?.(recorded);
    if (input === undefined) {
      const message =
        `Fake LLM server: the script is exhausted; chat request #${number} arrived with no reply ` +
        'queued. Queue one with server.push(...) or set server.respond(...).';
      return sendJson(response, 500, toErrorObject(500, message));
    }
    const script = toReplyScript(input);
    const body = isRecord(recorded.body) ? recorded.body : {};
    const meta = {
      id: `chatcmpl-fake-${number}`,
      model: typeof body.model === 'string' ? body.model : (this.#models[0] ?? 'fake-model'),
      created: Math.floor(Date.now() / 1000),
    };
    const idPrefix = `call_${number}`;
    const failure = script.failure;
    if (failure?.type === 'hang') return; // close() or the client's abort ends it.
    if (failure?.type === 'http-error') {
      const errorBody = toErrorObject(failure.status, failure.message);
      return sendJson(response, failure.status, errorBody, failure.headers);
    }
    if (body.stream !== true) {
      if (failure?.type === 'die-after') {
        response.destroy();
        return;
      }
      await this.#wait(script.prefillMs + script.delayMs);
      return sendJson(response, 200, toCompletionObject(script, meta, idPrefix));
    }
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    const chunks = replyChunks(script, {
      idPrefix,
      includeUsage: streamOptions.include_usage === true,
    });
    await this.#stream(script, response, chunks, meta);
  }

  /** Sends `chunks` as SSE events; `dieAfter(n)` destroys the connection after n of them. */
  async #stream(
    script: ReplyScript,
    response: ServerResponse,
    chunks: ReplyChunk[],
    meta: CompletionMeta,
  ): Promise<void> {
    const limit = script.failure?.type === 'die-after' ? script.failure.chunks : Infinity;
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    response.flushHeaders();
    for (const [index, chunk] of chunks.entries()) {
      if (index >= limit) break;
      await this.#wait(index === 0 ? script.prefillMs : script.delayMs);
      if (response.destroyed) return;
      const data = JSON.stringify(toChunkObject(chunk, meta, index === 0));
      await write(response, `data: ${data}\n\n`);
    }
    if (limit === Infinity) response.end('data: [DONE]\n\n');
    else response.destroy();
  }

  /** Like llama.cpp server and vLLM: `{ data: [{ index, embedding }] }`, errors OpenAI-style. */
  #embeddings(recorded: RecordedRequest, response: ServerResponse): void {
    const body = isRecord(recorded.body) ? recorded.body : {};
    const texts = embeddingInputTexts(body.input);
    if (typeof body.model !== 'string' || texts === undefined) {
      const message = 'Fake LLM server: an embedding request needs "model" and "input" (strings).';
      return sendJson(response, 400, toErrorObject(400, message));
    }
    if (!this.#models.includes(body.model)) {
      const message = `The model \`${body.model}\` does not exist.`;
      return sendJson(response, 404, toErrorObject(404, message));
    }
    const answer = this.#embedder({ model: body.model, texts });
    if (!Array.isArray(answer)) {
      if (answer.type === 'hang') return; // close() or the client's abort ends it.
      return sendJson(response, answer.status, toErrorObject(answer.status, answer.message));
    }
    const tokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    sendJson(response, 200, {
      object: 'list',
      data: answer.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  #wait(milliseconds: number): Promise<void> {
    if (milliseconds <= 0) return Promise.resolve();
    return sleep(milliseconds, undefined, { signal: this.#http.closing.signal });
  }

  #modelList(): object {
    const data = this.#models.map((id) => ({
      id,
      object: 'model',
      created: 0,
      owned_by: 'outpost-test-kit',
    }));
    return { object: 'list', data };
  }
}
