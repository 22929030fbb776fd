export type { AgentEvent, RunTotals } from './agent/agent-event.js';
export { createAgent } from './agent/agent-loop.js';
export type {
  Agent,
  AgentOptions,
  RunInput,
  RunOutcome,
  RunResult,
  SessionRecorder,
} from './agent/agent-loop.js';
export {
  createNonInteractiveApprovalPrompt,
  decideApproval,
  toolsForPolicy,
} from './agent/approval-policy.js';
export type {
  ApprovalAnswer,
  ApprovalDecision,
  ApprovalPrompt,
  ApprovalRequest,
} from './agent/approval-policy.js';
export { awaitsModel, conversationFromEvents } from './agent/conversation.js';
export { loadConfigFile, parseConfigText, resolveConfigPath } from './config/config-file.js';
export { ApprovalPolicy, OutpostConfig } from './config/outpost-config.js';
export { AgentError } from './errors/agent-error.js';
export { ConfigError } from './errors/config-error.js';
export { ModelCallError } from './errors/model-call-error.js';
export { NotFoundError } from './errors/not-found-error.js';
export { StoreError } from './errors/store-error.js';
export { createEventBus } from './events/event-bus.js';
export type { BusEvent, EventBus, Listener } from './events/event-bus.js';
export { uuidv7 } from './ids/ids.js';
export type { IdGenerator } from './ids/ids.js';
export { selectModel, WELL_KNOWN_SERVERS } from './model/model-selection.js';
export type { ListModels, ModelSelection } from './model/model-selection.js';
export { listModels } from './model/openai-compatible/list-models.js';
export type { ListModelsOptions } from './model/openai-compatible/list-models.js';
export { createOpenAiCompatibleModel } from './model/openai-compatible/openai-compatible-model.js';
export type { OpenAiCompatibleModelOptions } from './model/openai-compatible/openai-compatible-model.js';
export { collectStream } from './model/stream-result.js';
export type { StreamResult } from './model/stream-result.js';
export { loadSystemPrompt } from './prompt/system-prompt.js';
export { AmbiguousIdError } from './store/ambiguous-id-error.js';
export { ClockSkewError } from './store/clock-skew-error.js';
export {
  compareHlc,
  createHybridLogicalClock,
  formatHlc,
  parseHlc,
} from './store/hybrid-logical-clock.js';
export type {
  HlcState,
  HybridLogicalClock,
  HybridLogicalClockOptions,
} from './store/hybrid-logical-clock.js';
export type { MaterializedState } from './store/rebuild.js';
export type {
  ListSessionsOptions,
  NewSessionFields,
  SessionStore,
  SessionSummary,
} from './store/session-store.js';
export { openStore } from './store/store.js';
export type { Store, StoreOptions } from './store/store.js';
export {
  loadOrCreateStoreKey,
  resolveDataDirectory,
  storeKeyPath,
  storePath,
} from './store/store-location.js';
export type { StoreKey } from './store/store-location.js';
export type { StoredOp } from './store/stored-op.js';
export { createDefaultTools } from './tool/default-tools.js';
export type { DefaultToolsOptions } from './tool/default-tools.js';
export { defineTool, toToolSpec, toolError } from './tool/tool.js';
export type {
  AnyTool,
  SpawnProcess,
  Tool,
  ToolAccess,
  ToolContext,
  ToolEffect,
  ToolError,
  ToolErrorKind,
  ToolResult,
} from './tool/tool.js';
