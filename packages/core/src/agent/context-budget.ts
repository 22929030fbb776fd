import type {
  ContextCompactedEvent,
  LanguageModel,
  ModelMessage,
  ToolSpec,
} from '@outpost/protocol';

/** What replaces a tool output that was elided to make the conversation fit. */
export const ELIDED_OUTPUT =
  '[Output elided to fit the context window. Call the tool again if you still need it.]';

/** Tokens each message costs beyond its text (role markers of a chat template). */
const MESSAGE_OVERHEAD_TOKENS = 4;

/**
 * Tokens of the whole request — every message, every tool call, every tool spec — counted with
 * the model's own tokenizer where the adapter has one. Counted in one call so a native tokenizer
 * runs once per request.
 */
export async function countRequestTokens(
  model: LanguageModel,
  messages: readonly ModelMessage[],
  tools: readonly ToolSpec[],
): Promise<number> {
  const pieces: string[] = [];
  for (const message of messages) {
    pieces.push(message.content);
    if (message.role === 'assistant') {
      for (const call of message.toolCalls) pieces.push(call.name, call.arguments);
    }
  }
  for (const tool of tools) {
    pieces.push(tool.name, tool.description, JSON.stringify(tool.inputSchema));
  }
  const text = await model.countTokens(pieces.join('\n'));
  return text + MESSAGE_OVERHEAD_TOKENS * (messages.length + tools.length);
}

/** Room kept free for the reply: a quarter of a small window, at most 4,096 tokens. */
export function outputReserve(contextWindow: number, maxOutputTokens?: number): number {
  return maxOutputTokens ?? Math.min(4096, Math.floor(contextWindow / 4));
}

export interface CompactionPlan {
  /** Tool calls whose outputs to replace with `ELIDED_OUTPUT`, oldest first. */
  elidedToolCallIds: string[];
  tokensAfter: number;
  fits: boolean;
}

/**
 * Finds the fewest old tool outputs to elide, oldest first, so the request fits `budget`. The
 * outputs answering the most recent assistant turn are kept: the model is about to act on them.
 * Never changes `messages`; the caller applies the plan (and records it) only if it fits.
 */
export async function planCompaction(options: {
  model: LanguageModel;
  messages: readonly ModelMessage[];
  tools: readonly ToolSpec[];
  budget: number;
}): Promise<CompactionPlan> {
  const { model, messages, tools, budget } = options;
  const lastAssistant = messages.findLastIndex((message) => message.role === 'assistant');
  const candidates = messages
    .map((message, index) => ({ message, index }))
    .filter(
      ({ message, index }) =>
        message.role === 'tool' && index < lastAssistant && message.content !== ELIDED_OUTPUT,
    );
  const elided: string[] = [];
  let working = [...messages];
  let tokens = await countRequestTokens(model, working, tools);
  for (const { message, index } of candidates) {
    if (tokens <= budget) break;
    if (message.role !== 'tool') continue;
    elided.push(message.toolCallId);
    working = working.map((item, position) =>
      position === index && item.role === 'tool' ? { ...item, content: ELIDED_OUTPUT } : item,
    );
    tokens = await countRequestTokens(model, working, tools);
  }
  return { elidedToolCallIds: elided, tokensAfter: tokens, fits: tokens <= budget };
}

/** Replaces the outputs of the given tool calls with `ELIDED_OUTPUT`, in place. */
export function elideToolOutputs(messages: ModelMessage[], toolCallIds: Iterable<string>): void {
  const ids = new Set(toolCallIds);
  for (const [index, message] of messages.entries()) {
    if (message.role === 'tool' && ids.has(message.toolCallId)) {
      messages[index] = { ...message, content: ELIDED_OUTPUT };
    }
  }
}

/** What `fitContext` did: nothing, elided old tool outputs (to record), or found no way to fit. */
export type ContextFit =
  | { fits: true; compaction?: Omit<ContextCompactedEvent, 'type' | 'step'> }
  | {
      fits: false;
      message: string;
      /** Tokens the request needs even with old tool outputs left out (the router may widen). */
      tokensNeeded: number;
    };

/**
 * Context truth (DESIGN §3.1): counts the whole request before it is sent. When it would not fit
 * the model's real window, old tool outputs are elided in `messages` (the caller records the
 * compaction); when even that is not enough, the answer is a message for the user instead of a
 * prompt the server would silently cut.
 */
export async function fitContext(options: {
  model: LanguageModel;
  messages: ModelMessage[];
  tools: readonly ToolSpec[];
}): Promise<ContextFit> {
  const { model, messages, tools } = options;
  const contextWindow = await model.contextWindow();
  if (contextWindow === undefined) return { fits: true };
  const budget = contextWindow - outputReserve(contextWindow);
  const tokensBefore = await countRequestTokens(model, messages, tools);
  if (tokensBefore <= budget) return { fits: true };
  const plan = await planCompaction({ model, messages, tools, budget });
  if (!plan.fits) {
    return {
      fits: false,
      tokensNeeded: plan.tokensAfter,
      message:
        `The conversation needs about ${plan.tokensAfter.toLocaleString('en-US')} tokens, more than the ` +
        `${budget.toLocaleString('en-US')} that fit the model's ${contextWindow.toLocaleString('en-US')}-token ` +
        `context window (keeping room for the reply), even with old tool outputs left out. ` +
        'Load the model with a larger context (--context-size for a GGUF run in-process), or start a new session with a shorter request.',
    };
  }
  elideToolOutputs(messages, plan.elidedToolCallIds);
  return {
    fits: true,
    compaction: {
      contextWindow,
      tokensBefore,
      tokensAfter: plan.tokensAfter,
      elidedToolCallIds: plan.elidedToolCallIds,
    },
  };
}
