import type { FinishReason, Usage } from '@outpost/protocol';

/** One piece of scripted output, in the order the model produces it. */
export type ReplyContent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  /** `id` undefined: the fake picks one (`call_<request>_<index>`), unless ids are withheld. */
  | { type: 'tool-call'; name: string; arguments: string; id: string | undefined };

/** How a scripted reply fails instead of (or part-way through) answering. */
export type ReplyFailure =
  | { type: 'http-error'; status: number; message: string; headers: Record<string, string> }
  | { type: 'die-after'; chunks: number }
  | { type: 'hang' };

/**
 * The data behind a scripted reply. One shape drives both `startFakeLlmServer` (which turns it
 * into OpenAI chunks) and `FakeLanguageModel` (which turns it into stream parts).
 */
export interface ReplyScript {
  readonly content: readonly ReplyContent[];
  /** Undefined: 100 input tokens and about one output token per 4 characters of output. */
  readonly usage: Usage | undefined;
  /** Undefined: `tool-calls` when the reply has tool calls, else `stop`. */
  readonly finishReason: FinishReason | undefined;
  /** Wait between two chunks of a stream. */
  readonly delayMs: number;
  /** Wait before the first chunk, after the headers: a server reading a long prompt. */
  readonly prefillMs: number;
  /** Characters per text, reasoning or tool-argument chunk; `Infinity` sends each whole. */
  readonly chunkSize: number;
  /** False: tool calls go out without an id, as some local servers send them. */
  readonly toolCallIds: boolean;
  readonly failure: ReplyFailure | undefined;
}

/** A reply as tests write it: a builder, or a plain string meaning `reply().text(string)`. */
export type ReplyInput = Reply | string;

const emptyScript: ReplyScript = {
  content: [],
  usage: undefined,
  finishReason: undefined,
  delayMs: 0,
  prefillMs: 0,
  chunkSize: 4,
  toolCallIds: true,
  failure: undefined,
};

/**
 * Immutable builder for one scripted model reply: every method returns a new `Reply`, so a test
 * can keep a base reply and derive variants from it.
 *
 * ```ts
 * server.push(
 *   reply().reasoning('The test imports a missing helper.').toolCall('read_file', { path: 'a.ts' }),
 *   reply().text('Fixed.').usage({ inputTokens: 900, outputTokens: 4 }),
 *   reply().httpError(503, 'Loading model'),
 *   'a plain string is a text reply',
 * );
 * ```
 */
export class Reply {
  readonly script: ReplyScript;

  constructor(script: ReplyScript = emptyScript) {
    this.script = script;
  }

  /** Visible text, streamed in several small chunks. */
  text(text: string): Reply {
    return this.#with({ content: [...this.script.content, { type: 'text', text }] });
  }

  /** Reasoning ("thinking") text, sent as `delta.reasoning_content`. */
  reasoning(text: string): Reply {
    return this.#with({ content: [...this.script.content, { type: 'reasoning', text }] });
  }

  /** A tool call whose arguments are `JSON.stringify(args)`, streamed in several chunks. */
  toolCall(name: string, args: unknown, id?: string): Reply {
    return this.rawToolCall(name, JSON.stringify(args), id);
  }

  /** A tool call with exactly this argument text, which need not be valid JSON. */
  rawToolCall(name: string, rawArguments: string, id?: string): Reply {
    const call: ReplyContent = { type: 'tool-call', name, arguments: rawArguments, id };
    return this.#with({ content: [...this.script.content, call] });
  }

  usage(usage: Usage): Reply {
    return this.#with({ usage: { ...usage } });
  }

  /** Overrides the finish reason, e.g. `stop` with tool calls, as LM Studio sometimes sends. */
  finish(reason: FinishReason): Reply {
    return this.#with({ finishReason: reason });
  }

  /** Waits `milliseconds` between chunks: a slow stream. */
  delay(milliseconds: number): Reply {
    return this.#with({ delayMs: milliseconds });
  }

  /** Waits `milliseconds` after the response headers before the first chunk: slow prefill. */
  prefill(milliseconds: number): Reply {
    return this.#with({ prefillMs: milliseconds });
  }

  /** Characters per chunk (default 4); `Infinity` sends each text and tool call in one chunk. */
  chunkSize(size: number): Reply {
    if (!(size >= 1)) throw new RangeError(`chunkSize must be at least 1, got ${size}.`);
    return this.#with({ chunkSize: size });
  }

  /** Sends tool calls without ids, so the client has to make its own. */
  withoutToolCallIds(): Reply {
    return this.#with({ toolCallIds: false });
  }

  /** Answers with this HTTP status and an OpenAI-style JSON error body instead of a stream. */
  httpError(status: number, message: string, headers: Record<string, string> = {}): Reply {
    return this.#with({
      failure: { type: 'http-error', status, message, headers: { ...headers } },
    });
  }

  /** Sends `chunks` stream chunks, then destroys the connection (0: right after the headers). */
  dieAfter(chunks: number): Reply {
    return this.#with({ failure: { type: 'die-after', chunks } });
  }

  /** Accepts the request and never answers, until the client aborts or the fake is closed. */
  hang(): Reply {
    return this.#with({ failure: { type: 'hang' } });
  }

  #with(change: Partial<ReplyScript>): Reply {
    return new Reply({ ...this.script, ...change });
  }
}

/** Starts an empty reply; chain `.text()`, `.toolCall()`, … onto it. */
export function reply(): Reply {
  return new Reply();
}

export function toReplyScript(input: ReplyInput): ReplyScript {
  return typeof input === 'string' ? reply().text(input).script : input.script;
}
