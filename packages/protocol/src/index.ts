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
export { Op, RecordKind, SpaceId } from './op.js';
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
export type { FinishReason, ModelErrorInfo, StreamPart, Usage } from './stream-part.js';
