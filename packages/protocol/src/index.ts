export type { EmbeddingModel } from './embedding-model.js';
export { HlcTimestamp } from './hybrid-logical-clock-timestamp.js';
export type {
  JsonSchema,
  LanguageModel,
  ModelCapabilities,
  ModelRequest,
  ResponseFormat,
  ToolSpec,
} from './language-model.js';
export {
  AssistantMessage,
  ModelMessage,
  SystemMessage,
  ToolCall,
  ToolMessage,
  UserMessage,
} from './model-message.js';
export { Op, OpRef, RecordKind, SpaceId } from './op.js';
export { PROTOCOL_VERSION } from './protocol-version.js';
export { Session, SessionFieldName, SessionFields, SessionStatus } from './session.js';
export {
  AssistantMessageEvent,
  CommandRunEvent,
  ContextCompactedEvent,
  ErrorEvent,
  FileChangeEvent,
  ModelCallEvent,
  ProjectRulesEvent,
  ReflectionEvent,
  SessionEventData,
  ToolCallEvent,
  ToolResultEvent,
  UserMessageEvent,
} from './session-event.js';
export type { SessionEvent, SessionEventType } from './session-event.js';
export { CheckpointEvent } from './checkpoint-event.js';
export { LoopGuardEvent } from './loop-guard-event.js';
export { RouteEvent } from './route-event.js';
export { PlanEvent, PlanSubtask } from './plan-event.js';
export { PlanUpdatedEvent } from './plan-updated-event.js';
export { HandoffEvent } from './handoff-event.js';
export { VerificationEvent } from './verification-event.js';
export type { FinishReason, ModelErrorInfo, StreamPart, Usage } from './stream-part.js';
