export { AgentError } from './errors/agent-error.js';
export { ConfigError } from './errors/config-error.js';
export { ModelCallError } from './errors/model-call-error.js';
export { NotFoundError } from './errors/not-found-error.js';
export { StoreError } from './errors/store-error.js';
export { uuidv7 } from './ids/ids.js';
export type { IdGenerator } from './ids/ids.js';
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
