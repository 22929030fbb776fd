import type { AssistantMessage, ModelMessage, SessionEvent } from '@outpost/protocol';
import { elideToolOutputs } from './context-budget.js';

const INTERRUPTED_RESULT =
  'Error (cancelled): this call never ran because the session was interrupted. Call it again if it is still needed.';

/**
 * Rebuilds the conversation a model sees from a session's stored events, so a resumed session
 * continues exactly where it stopped. Text cut off by a failed stream (`partial`) and error
 * events are not part of the conversation; a tool call that never got a result (a crash or
 * Ctrl-C between the call and its execution) gets a synthetic result, because every tool call
 * must be answered before the conversation can go on. Tool outputs a `context-compacted` event
 * elided stay elided, so a resumed session sends what the model last saw. A `handoff` starts a
 * new segment: the conversation is its brief, as a user turn, and what came after it.
 */
export function conversationFromEvents(events: readonly SessionEvent[]): ModelMessage[] {
  const messages: ModelMessage[] = [];
  let openAssistant: { message: AssistantMessage; step: number } | undefined;
  const answered = new Set<string>();
  const elided: string[] = [];

  const closeOpenAssistant = () => {
    if (!openAssistant) return;
    for (const call of openAssistant.message.toolCalls) {
      if (answered.has(call.id)) continue;
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        toolName: call.name,
        content: INTERRUPTED_RESULT,
      });
      answered.add(call.id);
    }
    openAssistant = undefined;
  };

  const segmentStart = events.findLastIndex((event) => event.data.type === 'handoff');
  for (const { data } of events.slice(Math.max(segmentStart, 0))) {
    switch (data.type) {
      case 'handoff':
        messages.push({ role: 'user', content: data.brief });
        break;
      case 'user-message':
        closeOpenAssistant();
        messages.push({ role: 'user', content: userTurnContent(data.text, data.context) });
        break;
      case 'assistant-message': {
        if (data.partial) break;
        closeOpenAssistant();
        const message: AssistantMessage = { role: 'assistant', content: data.text, toolCalls: [] };
        messages.push(message);
        openAssistant = { message, step: data.step };
        break;
      }
      case 'tool-call': {
        if (!openAssistant || openAssistant.step !== data.step) {
          closeOpenAssistant();
          const message: AssistantMessage = { role: 'assistant', content: '', toolCalls: [] };
          messages.push(message);
          openAssistant = { message, step: data.step };
        }
        openAssistant.message.toolCalls.push({
          id: data.toolCallId,
          name: data.toolName,
          arguments: data.arguments,
        });
        break;
      }
      case 'tool-result':
        if (answered.has(data.toolCallId)) break;
        answered.add(data.toolCallId);
        messages.push({
          role: 'tool',
          toolCallId: data.toolCallId,
          toolName: data.toolName,
          content: data.output,
        });
        break;
      case 'verification':
        // A failed check of the model's changes is the next user turn (agent/verification.ts).
        if (data.feedback === undefined) break;
        closeOpenAssistant();
        messages.push({ role: 'user', content: data.feedback });
        break;
      case 'context-compacted':
        elided.push(...data.elidedToolCallIds);
        break;
      default:
        break;
    }
  }
  closeOpenAssistant();
  elideToolOutputs(messages, elided);
  return messages;
}

/**
 * The start of every request of a session: the system prompt with the project rules the session
 * loaded (the stable prefix), then the conversation rebuilt from its events.
 */
export function sessionMessages(
  systemPrompt: string,
  events: readonly SessionEvent[],
): ModelMessage[] {
  const rules = projectRulesOf(events);
  const system = rules === undefined || rules === '' ? systemPrompt : `${systemPrompt}\n\n${rules}`;
  return [{ role: 'system', content: system }, ...conversationFromEvents(events)];
}

/** A user turn as the model sees it: the message, then its volatile context at the tail. */
export function userTurnContent(text: string, context: string | undefined): string {
  return context === undefined || context === ''
    ? text
    : `${text}\n\n<context>\n${context}\n</context>`;
}

/** The project rules a session loaded, if it has loaded them. */
export function projectRulesOf(events: readonly SessionEvent[]): string | undefined {
  for (const { data } of events) if (data.type === 'project-rules') return data.text;
  return undefined;
}

/** The next step number of a session: one past the highest step any event recorded. */
export function nextStep(events: readonly SessionEvent[]): number {
  let highest = -1;
  for (const { data } of events) {
    if ('step' in data && data.step !== undefined && data.step > highest) highest = data.step;
  }
  return highest + 1;
}

/**
 * True when the session stopped before the model answered its last message (a failed,
 * cancelled or interrupted run), so a resume without a new message has something to continue.
 */
export function awaitsModel(events: readonly SessionEvent[]): boolean {
  const last = conversationFromEvents(events).at(-1);
  return last !== undefined && (last.role === 'user' || last.role === 'tool');
}
