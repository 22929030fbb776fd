import type {
  LanguageModel,
  ModelMessage,
  SessionEvent,
  SessionEventData,
  ToolCall,
  ToolSpec,
} from '@outpost/protocol';
import type { MemoryRecord } from '../memory/memory-types.js';
import { readTextAsset } from '../tool/text-asset.js';
import { proposeMemory } from '../tool/remember.js';
import type { RememberInput } from '../tool/remember.js';
import type { AnyTool, ToolMemory } from '../tool/tool.js';
import {
  countRequestTokens,
  elideToolOutputs,
  outputReserve,
  planCompaction,
} from './context-budget.js';
import { modelCallEvent, streamModelTurn } from './model-turn.js';
import { prepareToolCall } from './tool-call-execution.js';

/** What the model is asked at the end of a session that changed code (`reflection.md`). */
export const REFLECTION_PROMPT = readTextAsset(new URL('./reflection.md', import.meta.url));
/** Proposals taken from one reflection; more are dropped with a note. */
export const MAX_PROPOSALS = 3;

export interface ReflectionResult {
  /** The records it proposed, `proposed` in the store until a person accepts them. */
  proposed: MemoryRecord[];
  /** Why each unusable proposal was left out (not a remember call, bad arguments, a duplicate). */
  dropped: string[];
  /** Why no model call was made, when none was. */
  skipped?: 'no-changes' | 'no-memory' | 'turned-off';
  /** The model call failed or was cancelled: nothing was proposed. */
  error?: string;
}

/** True when a file changed since the session's last reflection (or since it began). */
export function changedCodeSinceReflection(events: readonly SessionEvent[]): boolean {
  for (let index = events.length - 1; index >= 0; index--) {
    const type = events[index]?.data.type;
    if (type === 'reflection') return false;
    if (type === 'file-change') return true;
  }
  return false;
}

/**
 * The end-of-session reflection (issue 6): one extra model call, with the session's own prefix
 * (system prompt, tools, conversation — so a local runtime reuses its cache) and
 * `reflection.md` as a last user message, asking for `remember` calls. Each call is validated
 * like any tool call and proposed to the store (status `proposed`, with the session and model
 * as provenance); anything else — another tool, bad arguments, a duplicate, more than
 * `MAX_PROPOSALS` — is dropped with a note. A model that answers in plain JSON instead of a tool
 * call is read too. The model call and a `reflection` event are recorded; neither is part of the
 * conversation a resume sends.
 */
export async function reflectOnSession(options: {
  model: LanguageModel;
  /** The session's request so far: system message, then the conversation. */
  messages: readonly ModelMessage[];
  /** The tools the session offers, as sent (the same prefix). */
  tools: readonly ToolSpec[];
  /** The session's remember tool: its schema validates every proposal. */
  remember: AnyTool;
  memory: ToolMemory;
  projectRoot: string;
  step: number;
  signal: AbortSignal;
  /** Stores events (and announces them). */
  record: (...data: SessionEventData[]) => void;
  monotonicNow: () => number;
}): Promise<ReflectionResult> {
  const { model, tools, step } = options;
  const messages: ModelMessage[] = [
    ...options.messages,
    { role: 'user', content: REFLECTION_PROMPT },
  ];
  const finish = (result: ReflectionResult): ReflectionResult => {
    options.record({
      type: 'reflection',
      step,
      proposed: result.proposed.map((record) => ({
        recordId: record.id,
        kind: record.kind,
        title: record.title,
      })),
      dropped: result.dropped.map((reason) => ({ reason })),
      ...(result.error === undefined ? {} : { error: result.error }),
    });
    return result;
  };

  const overflow = await fitReflection(model, messages, tools);
  if (overflow !== undefined) return finish({ proposed: [], dropped: [], error: overflow });
  const turn = await streamModelTurn({
    model,
    request: { messages, tools: [...tools], signal: options.signal },
    onText: () => undefined,
    onReasoning: () => undefined,
    monotonicNow: options.monotonicNow,
  });
  options.record(modelCallEvent(model, step, turn));
  if (turn.error) return finish({ proposed: [], dropped: [], error: turn.error.message });

  const calls = turn.toolCalls.length > 0 ? turn.toolCalls : callsFromText(turn.text);
  const byName = new Map([[options.remember.name, options.remember]]);
  const proposed: MemoryRecord[] = [];
  const dropped: string[] = [];
  for (const call of calls) {
    if (proposed.length >= MAX_PROPOSALS) {
      dropped.push(`${describeCall(call)} left out: at most ${MAX_PROPOSALS} proposals are taken.`);
      continue;
    }
    if (call.name !== options.remember.name) {
      dropped.push(`${describeCall(call)}: only remember calls are taken when reflecting.`);
      continue;
    }
    const prepared = prepareToolCall(call, byName);
    if (!prepared.ok) {
      dropped.push(prepared.result.ok ? 'Unreadable call.' : prepared.result.error.message);
      continue;
    }
    const result = proposeMemory(
      prepared.input as RememberInput,
      options.memory,
      options.projectRoot,
    );
    if (!result.ok) dropped.push(result.error.message);
    else if (result.duplicate) {
      dropped.push(`Already remembered: ${JSON.stringify(result.record.title)}.`);
    } else proposed.push(result.record);
  }
  return finish({ proposed, dropped });
}

/** Undefined when the request fits the model's window (old tool outputs elided if need be). */
async function fitReflection(
  model: LanguageModel,
  messages: ModelMessage[],
  tools: readonly ToolSpec[],
): Promise<string | undefined> {
  const contextWindow = await model.contextWindow();
  if (contextWindow === undefined) return undefined;
  const budget = contextWindow - outputReserve(contextWindow);
  if ((await countRequestTokens(model, messages, tools)) <= budget) return undefined;
  const plan = await planCompaction({ model, messages, tools, budget });
  if (!plan.fits) {
    return `The session no longer fits the model's ${contextWindow.toLocaleString('en-US')}-token context window; nothing was asked.`;
  }
  // Only this request is shortened: the reflection is not part of the conversation.
  elideToolOutputs(messages, plan.elidedToolCallIds);
  return undefined;
}

/**
 * Proposals a model wrote as JSON instead of calling remember: a JSON object or array (bare or
 * in a fenced block) of `{ kind, title, body, … }`. Anything else yields no calls.
 */
function callsFromText(text: string): ToolCall[] {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text)?.[1];
  const candidate = (fenced ?? text).trim();
  if (!/^[[{]/.test(candidate)) return [];
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch {
    // Not JSON after all: a plain answer, which proposes nothing.
    return [];
  }
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => ({
    id: `reflection-${index + 1}`,
    name: 'remember',
    arguments: JSON.stringify(item),
  }));
}

function describeCall(call: ToolCall): string {
  return call.name === '' ? 'An unreadable call' : `A call to ${call.name}`;
}
