export type { AgentEvent, RunTotals } from './agent/agent-event.js';
export { createAgent } from './agent/agent-loop.js';
export type {
  Agent,
  AgentOptions,
  RunInput,
  RunOutcome,
  RunResult,
  SessionRecorder,
  TurnWork,
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
export { planSignal } from './agent/plan-heuristic.js';
export { planStateOf } from './agent/plan-state.js';
export type { PlanState, SubtaskState, SubtaskStatus } from './agent/plan-state.js';
export { DEFAULT_MAX_SUBTASKS } from './agent/planning-settings.js';
export type { PlanningSettings } from './agent/planning-settings.js';
export { loadConfigFile, parseConfigText, resolveConfigPath } from './config/config-file.js';
export { ApprovalPolicy, OutpostConfig } from './config/outpost-config.js';
export {
  effectivePolicy,
  loadProjectSettings,
  PROJECT_SETTINGS_PATH,
  ProjectSettings,
} from './config/project-settings.js';
export type { EffectivePolicy } from './config/project-settings.js';
export {
  RouteRole,
  RouterConfig,
  RouterModelConfig,
  RouterPolicy,
} from './config/router-config.js';
export { AgentError } from './errors/agent-error.js';
export { ConfigError } from './errors/config-error.js';
export { MemoryError } from './errors/memory-error.js';
export { ModelCallError } from './errors/model-call-error.js';
export { NotFoundError } from './errors/not-found-error.js';
export { OfflineError } from './errors/offline-error.js';
export { StoreError } from './errors/store-error.js';
export { createEventBus } from './events/event-bus.js';
export { formatBytes } from './format/format-bytes.js';
export type { BusEvent, EventBus, Listener } from './events/event-bus.js';
// Only the index's location; the index itself is the `@outpost/core/code-index` entry.
export { codeIndexPath } from './code-index/store/code-index-path.js';
export { uuidv7 } from './ids/ids.js';
export type { IdGenerator } from './ids/ids.js';
export { pickBestModel, describeCandidate } from './model/discovery/best-model.js';
export {
  discoverModels,
  EMBEDDED_CAPABILITIES,
  LOCAL_SERVERS,
  OPENAI_COMPATIBLE_CAPABILITIES,
} from './model/discovery/discover-models.js';
export type {
  Discovery,
  ModelCandidate,
  ServerName,
  ServerProbe,
} from './model/discovery/discover-models.js';
export { readGgufSummary } from './model/discovery/gguf-summary.js';
export { createEmbeddedModel } from './model/embedded/embedded-model.js';
export type {
  EmbeddedModel,
  EmbeddedModelOptions,
  EmbeddedModelStats,
} from './model/embedded/embedded-model.js';
export { createEmbeddingModel } from './model/embedding/create-embedding-model.js';
export type { EmbeddingModelConfig } from './model/embedding/create-embedding-model.js';
export { createEmbeddedEmbeddingModel } from './model/embedding/embedded-embedding-model.js';
export type { EmbeddedEmbeddingModelOptions } from './model/embedding/embedded-embedding-model.js';
export { createOllamaEmbeddingModel } from './model/embedding/ollama-embedding-model.js';
export type { OllamaEmbeddingModelOptions } from './model/embedding/ollama-embedding-model.js';
export { createOpenAiCompatibleEmbeddingModel } from './model/embedding/openai-compatible-embedding-model.js';
export type { OpenAiCompatibleEmbeddingModelOptions } from './model/embedding/openai-compatible-embedding-model.js';
export { ModelDownloadError } from './model/download/download-error.js';
export type { ModelDownloadErrorKind } from './model/download/download-error.js';
export { downloadModel } from './model/download/download-model.js';
export type {
  DownloadModelOptions,
  DownloadModelResult,
  DownloadProgress,
} from './model/download/download-options.js';
export {
  findCatalogueEntry,
  modelCatalogue,
  resolvePullTarget,
} from './model/download/model-catalogue.js';
export type { ModelCatalogueEntry, PullTarget } from './model/download/model-catalogue.js';
export { modelFileNameFromUrl, parseDownloadUrl } from './model/download/model-file-name.js';
export {
  formatMemoryMarkdown,
  MEMORY_EXPORT_FORMAT,
  parseMemoryMarkdown,
} from './memory/memory-markdown.js';
export { MEMORY_KINDS, MEMORY_STATUSES } from './memory/memory-types.js';
export type {
  MemoryDraft,
  MemoryKind,
  MemoryLink,
  MemoryPatch,
  MemoryProvenance,
  MemoryRecord,
  MemoryStatus,
  MemoryStore,
  RecallContext,
  RecallHit,
} from './memory/memory-types.js';
export { MEMORY_LIMITS } from './memory/memory-validation.js';
export type { GgufSummary } from './model/discovery/gguf-summary.js';
export {
  addLocalModel,
  listLocalModels,
  modelRegistryPath,
  modelsDirectory,
} from './model/discovery/local-models.js';
export type { LocalModel } from './model/discovery/local-models.js';
export { resolveLocalModel } from './model/discovery/resolve-model.js';
export type { ModelResolution } from './model/discovery/resolve-model.js';
export { selectServerModel } from './model/model-selection.js';
export type { ListModels, ModelSelection } from './model/model-selection.js';
export { measureModelSpeed } from './model/model-speed.js';
export type { ModelSpeed } from './model/model-speed.js';
export { createOllamaModel } from './model/ollama/ollama-model.js';
export type { OllamaModelOptions } from './model/ollama/ollama-model.js';
export {
  describeOllamaModel,
  listOllamaModels,
  listRunningOllamaModels,
} from './model/ollama/ollama-models.js';
export type { OllamaModelDescription } from './model/ollama/ollama-models.js';
export { listModels } from './model/openai-compatible/list-models.js';
export type { ListModelsOptions } from './model/openai-compatible/list-models.js';
export { createOpenAiCompatibleModel } from './model/openai-compatible/openai-compatible-model.js';
export type { OpenAiCompatibleModelOptions } from './model/openai-compatible/openai-compatible-model.js';
export { createModelRouter, DEFAULT_COOL_OFF_MS } from './model/router/model-router.js';
export type {
  ModelRouter,
  RouteChoice,
  RouteNeeds,
  RouteRequest,
} from './model/router/model-router.js';
export { IN_PROCESS, localityOf } from './model/router/route-candidate.js';
export type { ModelLocality, RouteCandidate } from './model/router/route-candidate.js';
export { isUnavailableError } from './model/router/unavailable-error.js';
export { collectStream } from './model/stream-result.js';
export type { StreamResult } from './model/stream-result.js';
export {
  chooseToolProtocol,
  isToolProtocol,
  supportsToolProtocol,
  TOOL_PROTOCOLS,
} from './model/tool-protocol/tool-protocol.js';
export type { ToolProtocol } from './model/tool-protocol/tool-protocol.js';
export { withToolProtocol } from './model/tool-protocol/with-tool-protocol.js';
export {
  assertReachable,
  createGuardedFetch,
  isLoopbackHost,
  offlineFromEnvironment,
} from './network/network-policy.js';
export { installOfflineSocketGuard } from './network/offline-socket-guard.js';
export { loadSystemPrompt } from './prompt/system-prompt.js';
export {
  choosePromptProfile,
  isPromptProfile,
  PROJECT_RULES_CAP,
  PROMPT_PROFILES,
  MEMORY_TOKENS,
  REPO_MAP_TOKENS,
  toolSpecForProfile,
} from './prompt/prompt-profile.js';
export type { PromptProfile } from './prompt/prompt-profile.js';
export { loadProjectRules, PROJECT_RULE_FILES } from './prompt/project-rules.js';
export type { ProjectRules } from './prompt/project-rules.js';
export { describeTurnContext } from './agent/turn-context.js';
export { describeMemory } from './agent/memory-context.js';
export type { MemoryContextOptions } from './agent/memory-context.js';
export { REFLECTION_PROMPT } from './agent/reflection.js';
export type { ReflectionResult } from './agent/reflection.js';
export { shortMemoryId } from './memory/memory-short-id.js';
export { recallContextFor } from './memory/recall-context.js';
export { describeRepoMap, renderRepoMap, REPO_MAP_FILES } from './agent/repo-map.js';
export type {
  RepoMapFile,
  RepoMapOptions,
  RepoMapSource,
  RepoMapSymbol,
} from './agent/repo-map.js';
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
export { describeNewIncarnation } from './store/incarnation.js';
export type { IncarnationReason, NewIncarnation } from './store/incarnation.js';
export { openStore } from './store/store.js';
export type { ProjectMemoryOptions, Store, StoreOptions } from './store/store.js';
export type { StoreSync } from './store/store.js';
export type { FieldAlternative, FieldConflict } from './store/field-conflicts.js';
export { TaskError } from './task/task-error.js';
export { TASK_LIMITS } from './task/task-validation.js';
export { isTerminalState, TASK_PRIORITIES, TASK_STATES } from './task/task-types.js';
export type {
  TaskDraft,
  TaskLink,
  TaskPatch,
  TaskProvenance,
  TaskRecord,
  TaskState,
  TaskStatus,
  TaskStore,
  TaskTransition,
} from './task/task-types.js';
export { formatSyncCursor, parseSyncCursor } from './sync/sync-cursor.js';
export type { SyncCursor } from './sync/sync-cursor.js';
export type { ExportOpsOptions, SyncExport } from './sync/sync-export.js';
export { parseSyncFile, SYNC_FILE_FORMAT, SYNC_FILE_VERSION } from './sync/sync-file.js';
export type { SyncFile, SyncFileHeader } from './sync/sync-file.js';
export { SyncFileError } from './sync/sync-file-error.js';
export type { SyncConflict, SyncImportSummary } from './sync/sync-import.js';
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
export { createMemoryTools } from './tool/memory-tools.js';
export { defineTool, toToolSpec, toolError } from './tool/tool.js';
export type {
  AnyTool,
  CodeSearch,
  RelatedFile,
  SpawnProcess,
  Tool,
  ToolAccess,
  ToolContext,
  ToolEffect,
  ToolError,
  ToolErrorKind,
  ToolMemory,
  ToolResult,
} from './tool/tool.js';
export type { RunVerificationCommand, VerificationSettings } from './agent/verification.js';
export { chooseVerificationCommands } from './verify/verification-commands.js';
export type { VerificationCommandConfig } from './verify/verification-commands.js';
export { detectTestCommand } from './verify/detect-verification.js';
export { summarizeFailure } from './verify/failure-summary.js';
export type { VerificationCommand, VerificationKind } from './verify/verification-command.js';
export { runShellCommand } from './tool/shell-command.js';
export type { ShellCommandOptions, ShellCommandResult } from './tool/shell-command.js';
export { CheckpointError } from './checkpoint/checkpoint-error.js';
export type { CheckpointHook } from './checkpoint/checkpoint-gate.js';
export type { CheckpointRepositoryKind } from './checkpoint/checkpoint-repository.js';
export { createCheckpoints } from './checkpoint/checkpoints.js';
export type {
  Checkpoints,
  CheckpointsOptions,
  CheckpointTarget,
  RestoreOutcome,
  RestorePlan,
} from './checkpoint/checkpoints.js';
export type { RestoreResult } from './checkpoint/restore-tree.js';
export {
  changedBeforeCheckpoint,
  checkpointFailureOf,
  lastUndoOf,
  sessionCheckpointOf,
  writtenPathsOf,
} from './checkpoint/session-checkpoints.js';
export type { RecordedCheckpoint } from './checkpoint/session-checkpoints.js';
export type { TreeChange } from './checkpoint/tree-changes.js';
export { SettingError } from './settings/setting-error.js';
export { SETTING_KEY_MAX_LENGTH, SettingKey, SettingScope } from './settings/setting-fields.js';
export { SETTING_VALUE_MAX_BYTES } from './settings/setting-store.js';
export type {
  SettingEntry,
  SettingStore,
  SettingValue,
  SettingWriteOptions,
} from './settings/setting-store.js';
