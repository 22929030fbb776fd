import { z } from 'zod';

/**
 * A tool call as the model produced it. `arguments` is the raw JSON text: a small model may
 * produce text that does not parse, and the agent loop (not the adapter) decides what to do.
 */
export const ToolCall = z.object({
  id: z.string().min(1),
  name: z.string(),
  arguments: z.string(),
  /**
   * Set when the adapter or tool protocol saw a call it could not read (a malformed fenced block,
   * an unparseable constrained reply): a short repair message the loop returns to the model
   * instead of running anything.
   */
  malformed: z.string().optional(),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const SystemMessage = z.object({ role: z.literal('system'), content: z.string() });
export type SystemMessage = z.infer<typeof SystemMessage>;

export const UserMessage = z.object({ role: z.literal('user'), content: z.string() });
export type UserMessage = z.infer<typeof UserMessage>;

export const AssistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.string(),
  toolCalls: z.array(ToolCall),
});
export type AssistantMessage = z.infer<typeof AssistantMessage>;

export const ToolMessage = z.object({
  role: z.literal('tool'),
  toolCallId: z.string(),
  toolName: z.string(),
  content: z.string(),
});
export type ToolMessage = z.infer<typeof ToolMessage>;

/** One message of the conversation sent to a model, independent of any provider's wire format. */
export const ModelMessage = z.discriminatedUnion('role', [
  SystemMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
]);
export type ModelMessage = z.infer<typeof ModelMessage>;
