import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  embeddingInputTexts,
  type FakeEmbedder,
  fakeEmbeddingDimensions,
  wordOverlapEmbedder,
} from './fake-embeddings.js';
import type { RecordedRequest } from './fake-llm-server.js';
import { Reply, type ReplyInput, type ReplyScript, reply, toReplyScript } from './reply.js';
import { replyFinishReason, replyUsage, splitIntoChunks } from './reply-chunks.js';
import {
  isRecord,
  LoopbackHttpServer,
  parseBody,
  readBody,
  sendJson,
  write,
} from './loopback-http-server.js';

/** A model the fake Ollama has "pulled". */
export interface FakeOllamaModel {
  /** As `ollama list` shows it, e.g. `qwen2.5-coder:7b`; a name without a tag means `:latest`. */
  name: string;
  /** Reported by `/api/show` as `<family>.context_length`. */
  contextLength: number;
  /** Default `['completion', 'tools']`. */
  capabilities?: string[];
  /** The architecture, default `qwen2`. */
  family?: string;
}

export interface FakeOllamaServerOptions {
  /** Default: one model `fake-model` (qwen2, 32768 tokens, completion and tools). */
  models?: FakeOllamaModel[];
  /** The fake tokenizer: characters per token when sizing prompts; default 4, like real BPE. */
  charactersPerToken?: number;
  /** Length of the default embeddings (`wordOverlapVector`); default 128. */
  embeddingDimensions?: number;
  /** Answers `POST /api/embed` instead of the default word-overlap vectors. */
  embedder?: FakeEmbedder;
}

/** A request as the fake Ollama received it; `/api/chat` requests carry what the fake made of them. */
export interface OllamaRecordedRequest extends RecordedRequest {
  /** The prompt size in the fake's tokens: messages, tool calls and tool specs. */
  promptTokens?: number;
  /** `options.num_ctx`, or 2048 when the request left it unset (Ollama's default). */
  numCtx?: number;
  /** True when the prompt did not fit `numCtx`: real Ollama silently drops its start. */
  truncated?: boolean;
  /** True when this request (re)loaded the model: its first use, or a changed `num_ctx`. */
  loaded?: boolean;
}

/** Streams the reply's lines, then an `{ error }` line instead of the final `done` line. */
export interface OllamaStreamErrorReply {
  type: 'stream-error';
  before: ReplyInput;
  message: string;
}

/** Sends exactly these body pieces, each written on its own, for wire-level tests. */
export interface OllamaRawBodyReply {
  type: 'raw-body';
  chunks: string[];
  status: number;
  contentType: string;
}

/** What a test queues: a `Reply` (or plain text), or one of the Ollama-specific failures. */
export type FakeOllamaReply = ReplyInput | OllamaStreamErrorReply | OllamaRawBodyReply;

export type FakeOllamaResponder = (request: OllamaRecordedRequest) => FakeOllamaReply;

/** A reply whose stream ends with Ollama's `{"error": message}` line after `before`'s output. */
export function streamErrorReply(message: string, before: ReplyInput = reply()): FakeOllamaReply {
  return { type: 'stream-error', before, message };
}

/** A reply that writes `chunks` as they are (NDJSON by default), one write each. */
export function rawBodyReply(
  chunks: string[],
  options: { status?: number; contentType?: string } = {},
): FakeOllamaReply {
  const contentType = options.contentType ?? 'application/x-ndjson';
  return { type: 'raw-body', chunks: [...chunks], status: options.status ?? 200, contentType };
}

/**
 * A real HTTP server on 127.0.0.1 speaking Ollama's native API, scripted with the same `reply()`
 * builder as `startFakeLlmServer`. Routes: `POST /api/chat` (NDJSON), `POST /api/embed`
 * (deterministic word-overlap vectors), `POST /api/show`, `GET /api/tags`, `GET /api/ps`,
 * `GET /api/version`. Like real Ollama it truncates silently: a
 * chat prompt larger than `options.num_ctx` (2048 when unset) is answered, but the recorded
 * request says `truncated: true`, so a test can prove a client never lets that happen.
 */
export interface FakeOllamaServer {
  /** `http://127.0.0.1:PORT` (Ollama's native API has no `/v1`). */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request in arrival order. */
  readonly requests: OllamaRecordedRequest[];
  /** Only the `/api/chat` requests. */
  readonly chatRequests: OllamaRecordedRequest[];
  /** Only the `/api/embed` requests. */
  readonly embeddingRequests: OllamaRecordedRequest[];
  /** How many times a model was (re)loaded: first use, or a request with another `num_ctx`. */
  readonly loads: number;
  readonly queued: number;
  /** Queues replies; each `/api/chat` request for a known model consumes the next one. */
  push(...replies: FakeOllamaReply[]): void;
  /** Answers chat requests when the queue is empty; `undefined` removes the responder. */
  respond(responder: FakeOllamaResponder | undefined): void;
  /** Answers `/api/embed` with `embedder`; `undefined` restores the default vectors. */
  embedWith(embedder: FakeEmbedder | undefined): void;
  /** Stops the server and destroys open connections, hanging ones included. Idempotent. */
  close(): Promise<void>;
}

export async function startFakeOllamaServer(
  options: FakeOllamaServerOptions = {},
): Promise<FakeOllamaServer> {
  const fake = new FakeOllama(options);
  await fake.listen();
  return fake;
}

const defaultModel: FakeOllamaModel = { name: 'fake-model', contextLength: 32_768 };
const defaultNumCtx = 2048;
const sizeBytes = 1_000_000_000;

class FakeOllama implements FakeOllamaServer {
  readonly requests: OllamaRecordedRequest[] = [];
  readonly #models: FakeOllamaModel[];
  readonly #charactersPerToken: number;
  readonly #defaultEmbedder: FakeEmbedder;
  #embedder: FakeEmbedder;
  readonly #http: LoopbackHttpServer;
  readonly #queue: FakeOllamaReply[] = [];
  /** Loaded model name → its `num_ctx`. */
  readonly #loaded = new Map<string, number>();
  #responder: FakeOllamaResponder | undefined;
  #loads = 0;

  constructor(options: FakeOllamaServerOptions) {
    this.#models = options.models ?? [defaultModel];
    this.#charactersPerToken = options.charactersPerToken ?? 4;
    const dimensions = options.embeddingDimensions ?? fakeEmbeddingDimensions;
    this.#defaultEmbedder = wordOverlapEmbedder(dimensions);
    this.#embedder = options.embedder ?? this.#defaultEmbedder;
    this.#http = new LoopbackHttpServer(
      (request, response) => this.#handle(request, response),
      (response, message) => sendJson(response, 500, { error: `Fake Ollama failed: ${message}` }),
    );
  }

  /** Kept after `close()`, so a test can point a client at a port nobody listens on. */
  get port(): number {
    return this.#http.port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.#http.port}`;
  }

  get chatRequests(): OllamaRecordedRequest[] {
    return this.requests.filter((request) => request.path === '/api/chat');
  }

  get embeddingRequests(): OllamaRecordedRequest[] {
    return this.requests.filter((request) => request.path === '/api/embed');
  }

  get loads(): number {
    return this.#loads;
  }

  get queued(): number {
    return this.#queue.length;
  }

  listen(): Promise<void> {
    return this.#http.listen();
  }

  push(...replies: FakeOllamaReply[]): void {
    this.#queue.push(...replies);
  }

  respond(responder: FakeOllamaResponder | undefined): void {
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
    const recorded: OllamaRecordedRequest = {
      method: request.method ?? 'GET',
      path,
      headers: { ...request.headers },
      body: parseBody(text),
    };
    this.requests.push(recorded);
    const body = isRecord(recorded.body) ? recorded.body : {};
    const route = `${recorded.method} ${path}`;
    if (route === 'POST /api/chat') return this.#chat(recorded, body, response);
    if (route === 'POST /api/embed') return this.#embed(body, response);
    if (route === 'POST /api/show') return this.#show(body, response);
    if (route === 'GET /api/tags') return sendJson(response, 200, { models: this.#tags() });
    if (route === 'GET /api/ps') return sendJson(response, 200, { models: this.#running() });
    if (route === 'GET /api/version') return sendJson(response, 200, { version: '0.0.0-fake' });
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('404 page not found');
  }

  #find(name: unknown): FakeOllamaModel | undefined {
    if (typeof name !== 'string') return undefined;
    return this.#models.find((model) => withTag(model.name) === withTag(name));
  }

  #show(body: Record<string, unknown>, response: ServerResponse): void {
    const name = body.model ?? body.name;
    const model = this.#find(name);
    if (model === undefined) {
      return sendJson(response, 404, { error: `model '${String(name)}' not found` });
    }
    const family = model.family ?? 'qwen2';
    sendJson(response, 200, {
      modelfile: '',
      parameters: '',
      template: '{{ .Prompt }}',
      details: details(model),
      model_info: {
        'general.architecture': family,
        'general.parameter_count': 7_000_000_000,
        [`${family}.context_length`]: model.contextLength,
        [`${family}.embedding_length`]: 3584,
      },
      capabilities: model.capabilities ?? ['completion', 'tools'],
      modified_at: '2026-01-01T00:00:00Z',
    });
  }

  #tags(): object[] {
    return this.#models.map((model) => ({
      name: withTag(model.name),
      model: withTag(model.name),
      modified_at: '2026-01-01T00:00:00Z',
      size: sizeBytes,
      digest: 'fake',
      details: details(model),
    }));
  }

  #running(): object[] {
    return [...this.#loaded].map(([name, numCtx]) => ({
      name,
      model: name,
      size: sizeBytes,
      digest: 'fake',
      details: details(this.#find(name) ?? defaultModel),
      expires_at: '2099-01-01T00:00:00Z',
      size_vram: 0,
      context_length: numCtx,
    }));
  }

  /** Like Ollama 0.3+: `{ model, embeddings }`; a 404 for a model it has not pulled. */
  #embed(body: Record<string, unknown>, response: ServerResponse): void {
    const texts = embeddingInputTexts(body.input);
    if (typeof body.model !== 'string' || texts === undefined) {
      return sendJson(response, 400, { error: 'invalid input type' });
    }
    if (this.#find(body.model) === undefined) {
      const error = `model "${body.model}" not found, try pulling it first`;
      return sendJson(response, 404, { error });
    }
    const answer = this.#embedder({ model: body.model, texts });
    if (!Array.isArray(answer)) {
      if (answer.type === 'hang') return; // close() or the client's abort ends it.
      return sendJson(response, answer.status, { error: answer.message });
    }
    const characters = texts.reduce((sum, text) => sum + text.length, 0);
    sendJson(response, 200, {
      model: body.model,
      embeddings: answer,
      total_duration: 1_000_000,
      load_duration: 1_000,
      prompt_eval_count: Math.ceil(characters / this.#charactersPerToken),
    });
  }

  async #chat(
    recorded: OllamaRecordedRequest,
    body: Record<string, unknown>,
    response: ServerResponse,
  ): Promise<void> {
    const model = this.#find(body.model);
    if (model === undefined) {
      const error = `model "${String(body.model)}" not found, try pulling it first`;
      return sendJson(response, 404, { error });
    }
    const options = isRecord(body.options) ? body.options : {};
    const numCtx = typeof options.num_ctx === 'number' ? options.num_ctx : defaultNumCtx;
    const promptTokens = this.#promptTokens(body);
    const name = withTag(model.name);
    const loaded = this.#loaded.get(name) !== numCtx;
    if (loaded) this.#loads++;
    this.#loaded.set(name, numCtx);
    Object.assign(recorded, { promptTokens, numCtx, truncated: promptTokens > numCtx, loaded });

    const number = this.chatRequests.length;
    const input = this.#queue.shift() ?? this.#responder?.(recorded);
    if (input === undefined) {
      const error =
        `Fake Ollama: the script is exhausted; chat request #${number} arrived with no reply ` +
        'queued. Queue one with server.push(...) or set server.respond(...).';
      return sendJson(response, 500, { error });
    }
    if (typeof input === 'object' && !(input instanceof Reply) && input.type === 'raw-body') {
      response.writeHead(input.status, { 'content-type': input.contentType });
      response.flushHeaders();
      for (const chunk of input.chunks) await write(response, chunk);
      response.end();
      return;
    }
    const streamError = typeof input === 'object' && !(input instanceof Reply) ? input : undefined;
    const script = toReplyScript(streamError?.before ?? (input as ReplyInput));
    const failure = script.failure;
    if (failure?.type === 'hang') return; // close() or the client's abort ends it.
    if (failure?.type === 'http-error') {
      return sendJson(response, failure.status, { error: failure.message }, failure.headers);
    }
    const meta = { model: typeof body.model === 'string' ? body.model : name };
    const lines = toLines(script, meta, Math.min(promptTokens, numCtx));
    if (streamError) lines.splice(-1, 1, { error: streamError.message });
    await this.#stream(script, response, lines);
  }

  /** Sends `lines` as NDJSON; `dieAfter(n)` destroys the connection after n of them. */
  async #stream(script: ReplyScript, response: ServerResponse, lines: object[]): Promise<void> {
    const limit = script.failure?.type === 'die-after' ? script.failure.chunks : Infinity;
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    response.flushHeaders();
    for (const [index, line] of lines.entries()) {
      if (index >= limit) break;
      if (index > 0 && script.delayMs > 0) {
        await sleep(script.delayMs, undefined, { signal: this.#http.closing.signal });
      }
      if (response.destroyed) return;
      await write(response, `${JSON.stringify(line)}\n`);
    }
    if (limit === Infinity) response.end();
    else response.destroy();
  }

  /** The fake tokenizer's count: message text and tool calls, a few tokens each, tool specs. */
  #promptTokens(body: Record<string, unknown>): number {
    const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
    let characters = 0;
    for (const message of messages) {
      if (!isRecord(message)) continue;
      if (typeof message.content === 'string') characters += message.content.length;
      if (message.tool_calls !== undefined) characters += JSON.stringify(message.tool_calls).length;
    }
    if (Array.isArray(body.tools)) characters += JSON.stringify(body.tools).length;
    return Math.ceil(characters / this.#charactersPerToken) + 4 * messages.length;
  }
}

/**
 * The NDJSON objects of a reply: text and thinking in `chunkSize` pieces, each tool call whole in
 * its own line with object arguments (raw argument text that is not a JSON object goes out as a
 * string, which real Ollama never sends, so a client's pass-through can be tested), then `done`.
 */
function toLines(script: ReplyScript, meta: { model: string }, promptTokens: number): object[] {
  const created_at = '2026-01-01T00:00:00.000Z';
  const line = (message: object) => ({
    model: meta.model,
    created_at,
    message: { role: 'assistant', content: '', ...message },
    done: false,
  });
  const lines: object[] = [];
  let toolIndex = 0;
  for (const content of script.content) {
    if (content.type === 'tool-call') {
      const call = { index: toolIndex++, name: content.name, arguments: toArguments(content) };
      lines.push(line({ tool_calls: [{ function: call }] }));
      continue;
    }
    const field = content.type === 'text' ? 'content' : 'thinking';
    for (const piece of splitIntoChunks(content.text, script.chunkSize)) {
      lines.push(line({ [field]: piece }));
    }
  }
  const usage = script.usage ?? { ...replyUsage(script), inputTokens: promptTokens };
  const cached =
    usage.evaluatedInputTokens === undefined
      ? {}
      : { prompt_eval_cached_count: usage.inputTokens - usage.evaluatedInputTokens };
  lines.push({
    ...line({}),
    done: true,
    done_reason: replyFinishReason(script) === 'length' ? 'length' : 'stop',
    total_duration: 1_000_000,
    load_duration: 1_000,
    prompt_eval_count: usage.inputTokens,
    ...cached,
    prompt_eval_duration: 500_000,
    eval_count: usage.outputTokens,
    eval_duration: 400_000,
  });
  return lines;
}

function toArguments(call: { arguments: string }): unknown {
  try {
    const value: unknown = JSON.parse(call.arguments);
    if (isRecord(value)) return value;
  } catch {
    // Not JSON: sent as the raw string below.
  }
  return call.arguments;
}

function details(model: FakeOllamaModel): object {
  const family = model.family ?? 'qwen2';
  return {
    parent_model: '',
    format: 'gguf',
    family,
    families: [family],
    parameter_size: '7.6B',
    quantization_level: 'Q4_K_M',
  };
}

function withTag(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}
