import type { spawn } from 'node:child_process';
import type { CommandRunEvent, FileChangeEvent, ToolSpec } from '@outpost/protocol';
import { z } from 'zod';
import type { MemoryStore } from '../memory/memory-types.js';

/**
 * Kinds of tool failure. A failure is data returned to the model, phrased so it can act on it;
 * the run goes on. Tool-specific detail belongs in `message`, not in new kinds.
 */
export type ToolErrorKind =
  | 'invalid-arguments'
  | 'unknown-tool'
  | 'malformed-call'
  | 'not-approved'
  | 'not-found'
  | 'outside-project'
  | 'no-match'
  | 'ambiguous-match'
  | 'too-large'
  | 'binary-file'
  | 'io-error'
  | 'timeout'
  | 'cancelled';

export interface ToolError {
  kind: ToolErrorKind;
  message: string;
}

/** What a tool did to the world, recorded as session events by the agent loop. */
export type ToolEffect = Omit<FileChangeEvent, 'toolCallId'> | Omit<CommandRunEvent, 'toolCallId'>;

export type ToolResult =
  | {
      ok: true;
      /** Exactly what the model is shown. */
      output: string;
      /** A few words for the user ("42 lines", "exit 0 in 1.2 s"). */
      summary: string;
      effects?: ToolEffect[];
    }
  | { ok: false; error: ToolError; effects?: ToolEffect[] };

/**
 * What a tool may touch, which decides whether the approval policy asks first:
 * `read` never asks, `write` changes files, `command` runs a process, `memory` proposes a
 * project-memory record (never asks: a proposal does nothing until a person accepts it; but
 * `read-only` runs write nothing, so they do not get it).
 */
export type ToolAccess = 'read' | 'write' | 'command' | 'memory';

/** Spawns a process; injected so tests and sandboxes can control it. Same shape as node's spawn. */
export type SpawnProcess = typeof spawn;

export interface ToolContext {
  /** Absolute, symlink-resolved project root; every path a tool touches must stay inside it. */
  projectRoot: string;
  signal: AbortSignal;
  toolCallId: string;
  /** The project's code index, when there is one (search_code adds definitions and ranked places). */
  codeSearch?: CodeSearch;
  /** The project memory, when the store has one (remember proposes records, recall searches). */
  memory?: ToolMemory;
}

/** What remember and recall may use of the project memory (docs/architecture/memory.md). */
export interface ToolMemory {
  store: Pick<MemoryStore, 'add' | 'list' | 'recall' | 'resolveId'>;
  /** Provenance of what remember proposes: the session, and the model as `provider/modelId`. */
  sessionId: string;
  model: string;
  /** Files of the current work (read or changed in the session so far), most recent first. */
  workPaths(): readonly string[];
}

/**
 * What tools may ask of the code index. Answers may wait for the index to be brought up to date;
 * an index that cannot be used answers `undefined`, and the tool does without it.
 */
export interface CodeSearch {
  definitions(
    name: string,
  ): Promise<{ path: string; line: number; kind: string; name: string }[] | undefined>;
  /** The files ranked for `query`, best first (`CodeIndex.rankFiles`). */
  related(query: string, limit: number): Promise<RelatedFile[] | undefined>;
}

/** A file the code index ranks for a search, with why, and its best matching places. */
export interface RelatedFile {
  path: string;
  /** The ranking signals that put it there (`lexical`, `identifiers`, `paths`, …), strongest first. */
  signals: string[];
  /** Its chunks that best match the words of the query, best first (may be empty). */
  places: { startLine: number; endLine: number; symbols: string[] }[];
}

export interface Tool<Input = unknown> {
  name: string;
  description: string;
  access: ToolAccess;
  inputSchema: z.ZodType<Input>;
  /** One short line naming the call for the user and for approval questions: `edit_file src/a.ts`. */
  describeCall(input: Input): string;
  execute(input: Input, context: ToolContext): Promise<ToolResult>;
}

/** A tool whose input type has been erased, as kept in a tool set. */
export type AnyTool = Tool<never>;

export function defineTool<Input>(definition: {
  name: string;
  description: string;
  access: ToolAccess;
  inputSchema: z.ZodType<Input>;
  describeCall: (input: Input) => string;
  execute: (input: Input, context: ToolContext) => Promise<ToolResult>;
}): Tool<Input> {
  return definition;
}

/** The JSON-schema view of a tool that is sent to the model. */
export function toToolSpec(tool: Tool<never>): ToolSpec {
  const schema = z.toJSONSchema(tool.inputSchema, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return { name: tool.name, description: tool.description, inputSchema: schema };
}

export function toolError(kind: ToolErrorKind, message: string): ToolResult {
  return { ok: false, error: { kind, message } };
}
