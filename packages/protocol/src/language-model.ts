import type { ModelMessage } from './model-message.js';
import type { StreamPart } from './stream-part.js';

/** A JSON Schema object, as sent to a model server. */
export type JsonSchema = { [key: string]: unknown };

/** A tool as the model sees it: name, description and the JSON schema of its arguments. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export interface ModelCapabilities {
  /** The server parses tool calls itself (OpenAI `tools`). */
  nativeTools: boolean;
  /** The runtime can constrain output to a JSON schema (llama.cpp `json_schema`, Ollama `format`). */
  jsonSchema: boolean;
  /** The runtime accepts a grammar (GBNF) for constrained decoding. */
  grammar: boolean;
  /** The model can produce embeddings. */
  embeddings: boolean;
}

/**
 * Output constrained to a JSON schema (the `constrained` tool protocol, DESIGN §3.1): a grammar for
 * embedded models, `format` for Ollama, `response_format` for OpenAI-compatible servers.
 */
export interface ResponseFormat {
  type: 'json-schema';
  /** A short identifier, e.g. `outpost_turn` (OpenAI's `json_schema.name`). */
  name: string;
  schema: JsonSchema;
}

export interface ModelRequest {
  messages: ModelMessage[];
  tools: ToolSpec[];
  toolChoice?: 'auto' | 'none' | 'required';
  maxOutputTokens?: number;
  temperature?: number;
  /** Constrain the reply to this schema; only sent to a model whose capabilities allow it. */
  responseFormat?: ResponseFormat;
  /** Aborting ends the stream with an `error` part of kind `cancelled`. */
  signal?: AbortSignal;
}

/**
 * The one interface every model adapter implements (DESIGN §3.1). `stream` never throws for a
 * failed call: failures arrive as an `error` part, after which the stream ends.
 */
export interface LanguageModel {
  /** Adapter name, e.g. `openai-compatible`, `embedded`, `ollama`. */
  readonly provider: string;
  /** The model's name as the runtime knows it. */
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  /** The context window the runtime has loaded, when it can tell. */
  contextWindow(): Promise<number | undefined>;
  /** Tokens in `text` by the model's own tokenizer where available, else a close estimate. */
  countTokens(text: string): Promise<number>;
  stream(request: ModelRequest): AsyncIterable<StreamPart>;
  /** Frees what the adapter holds (an in-process model, its context); safe to call twice. */
  dispose?(): Promise<void>;
}
