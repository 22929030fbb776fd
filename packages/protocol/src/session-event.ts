import { z } from 'zod';
import { LoopGuardEvent } from './loop-guard-event.js';
import { ToolCall } from './model-message.js';
import { CheckpointEvent } from './checkpoint-event.js';
import { RouteEvent } from './route-event.js';
import { HandoffEvent } from './handoff-event.js';
import { PlanEvent } from './plan-event.js';
import { PlanUpdatedEvent } from './plan-updated-event.js';
import { VerificationEvent } from './verification-event.js';

const step = z.number().int().nonnegative();

export const UserMessageEvent = z.object({
  type: z.literal('user-message'),
  text: z.string(),
  /** Volatile context sent after the text (time, git status), recorded so replays are identical. */
  context: z.string().optional(),
});
export type UserMessageEvent = z.infer<typeof UserMessageEvent>;

/**
 * The project's rules files (AGENTS.md and similar) as loaded once for the session, in the stable
 * prompt prefix; later turns and resumes reuse this text, so the prefix never changes mid-session.
 */
export const ProjectRulesEvent = z.object({
  type: z.literal('project-rules'),
  text: z.string(),
  files: z.array(
    z.object({ path: z.string(), bytes: z.number().int().nonnegative(), truncated: z.boolean() }),
  ),
});
export type ProjectRulesEvent = z.infer<typeof ProjectRulesEvent>;

/** What the model said in one step. `partial` marks text cut off by a failed stream. */
export const AssistantMessageEvent = z.object({
  type: z.literal('assistant-message'),
  step,
  text: z.string(),
  reasoning: z.string().optional(),
  partial: z.boolean(),
});
export type AssistantMessageEvent = z.infer<typeof AssistantMessageEvent>;

export const ToolCallEvent = z.object({
  type: z.literal('tool-call'),
  step,
  toolCallId: ToolCall.shape.id,
  toolName: z.string(),
  /** The raw argument text as the model produced it (it may not parse). */
  arguments: z.string(),
});
export type ToolCallEvent = z.infer<typeof ToolCallEvent>;

export const ToolResultEvent = z.object({
  type: z.literal('tool-result'),
  step,
  toolCallId: z.string(),
  toolName: z.string(),
  ok: z.boolean(),
  /** Exactly what the model was shown. */
  output: z.string(),
  errorKind: z.string().optional(),
  /** How long the tool took, approval wait included. */
  durationMs: z.number().nonnegative().optional(),
});
export type ToolResultEvent = z.infer<typeof ToolResultEvent>;

export const FileChangeEvent = z.object({
  type: z.literal('file-change'),
  toolCallId: z.string(),
  /** Path relative to the project root, with `/` separators. */
  path: z.string(),
  /** sha256 of the content before the change; null when the file did not exist. */
  beforeHash: z.string().nullable(),
  /** sha256 of the content after the change; null when the file was deleted. */
  afterHash: z.string().nullable(),
  linesAdded: z.number().int().nonnegative(),
  linesRemoved: z.number().int().nonnegative(),
  /** Unified diff, cut to a size cap. */
  diff: z.string(),
});
export type FileChangeEvent = z.infer<typeof FileChangeEvent>;

export const CommandRunEvent = z.object({
  type: z.literal('command-run'),
  toolCallId: z.string(),
  command: z.string(),
  /** null when the process was killed by a signal or could not start. */
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** Head and tail of the combined output, cut to a size cap. */
  outputExcerpt: z.string(),
});
export type CommandRunEvent = z.infer<typeof CommandRunEvent>;

export const ModelCallEvent = z.object({
  type: z.literal('model-call'),
  step,
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().int().nonnegative().nullable(),
  outputTokens: z.number().int().nonnegative().nullable(),
  /** Prompt tokens the runtime evaluated, when it says: fewer than `inputTokens` on a cache hit. */
  evaluatedInputTokens: z.number().int().nonnegative().optional(),
  timeToFirstTokenMs: z.number().nonnegative().nullable(),
  durationMs: z.number().nonnegative(),
  finishReason: z.string(),
});
export type ModelCallEvent = z.infer<typeof ModelCallEvent>;

/**
 * The conversation no longer fit the model's context window, so the outputs of the listed earlier
 * tool calls were replaced by a short note (DESIGN §3.1, context truth). Replaying the session
 * applies the same replacement, so a resumed session sends what the model last saw.
 */
export const ContextCompactedEvent = z.object({
  type: z.literal('context-compacted'),
  step,
  contextWindow: z.number().int().positive(),
  tokensBefore: z.number().int().nonnegative(),
  tokensAfter: z.number().int().nonnegative(),
  elidedToolCallIds: z.array(z.string()),
});
export type ContextCompactedEvent = z.infer<typeof ContextCompactedEvent>;

export const ErrorEvent = z.object({
  type: z.literal('error'),
  kind: z.enum([
    'model',
    'cancelled',
    'step-limit',
    'internal',
    'context',
    'verification',
    'stuck',
  ]),
  message: z.string(),
  step: step.optional(),
});
export type ErrorEvent = z.infer<typeof ErrorEvent>;

/**
 * The end-of-session reflection (project memory, issue 6): one extra model call asked what is
 * worth remembering. `proposed` are the memory records it created (status `proposed` until a
 * person accepts them); `dropped` says why each unusable proposal was left out. Not part of the
 * conversation: a resumed session never sends it.
 */
export const ReflectionEvent = z.object({
  type: z.literal('reflection'),
  step,
  proposed: z.array(z.object({ recordId: z.string(), kind: z.string(), title: z.string() })),
  dropped: z.array(z.object({ reason: z.string() })),
  /** Why the reflection produced nothing at all (the model call failed), when it did. */
  error: z.string().optional(),
});
export type ReflectionEvent = z.infer<typeof ReflectionEvent>;

/** The payload of one immutable session event (a member of the session's grow-only set). */
export const SessionEventData = z.discriminatedUnion('type', [
  UserMessageEvent,
  ProjectRulesEvent,
  AssistantMessageEvent,
  ToolCallEvent,
  ToolResultEvent,
  FileChangeEvent,
  CommandRunEvent,
  ModelCallEvent,
  ContextCompactedEvent,
  ReflectionEvent,
  VerificationEvent,
  CheckpointEvent,
  ErrorEvent,
  LoopGuardEvent,
  PlanEvent,
  PlanUpdatedEvent,
  HandoffEvent,
  RouteEvent,
]);
export type SessionEventData = z.infer<typeof SessionEventData>;
export type SessionEventType = SessionEventData['type'];

/** A stored event: its identity and place in the log, plus the payload. */
export interface SessionEvent {
  id: string;
  sessionId: string;
  /** Hybrid logical clock timestamp of the op that added it; events display in `(hlc, device, seq)` order. */
  hlc: string;
  device: string;
  seq: number;
  /** Wall-clock milliseconds when it was recorded. */
  time: number;
  data: SessionEventData;
}
