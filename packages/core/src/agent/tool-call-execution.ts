import type { ToolCall } from '@outpost/protocol';
import type { z } from 'zod';
import type { ApprovalPolicy } from '../config/outpost-config.js';
import { toToolSpec } from '../tool/tool.js';
import type { AnyTool, Tool, ToolContext, ToolResult } from '../tool/tool.js';
import { decideApproval } from './approval-policy.js';
import type { ApprovalPrompt } from './approval-policy.js';

export type PreparedToolCall =
  | { ok: true; tool: Tool<unknown>; input: unknown; description: string }
  | { ok: false; description: string; result: ToolResult };

/**
 * Checks one tool call from the model: the tool exists and the arguments parse and validate.
 * A failure is returned as the result the model will see; nothing here throws for bad model
 * output.
 */
export function prepareToolCall(
  call: ToolCall,
  tools: ReadonlyMap<string, AnyTool>,
): PreparedToolCall {
  if (call.malformed !== undefined) {
    // The tool protocol could not read the call at all: its repair message says how to fix it.
    return failure(call.name === '' ? 'tool call' : call.name, 'malformed-call', call.malformed);
  }
  const registered = tools.get(call.name);
  const tool = registered as Tool<unknown> | undefined;
  if (!registered || !tool) {
    const names = [...tools.keys()].join(', ');
    return failure(
      call.name,
      'unknown-tool',
      `There is no tool named "${call.name}". Available tools: ${names}.`,
    );
  }
  const parsed = parseArguments(call.arguments);
  if (!parsed.success) {
    return failure(
      call.name,
      'invalid-arguments',
      `The arguments of ${tool.name} are not valid JSON (${parsed.error}). ` +
        `Call it again with a JSON object: ${signature(registered)}.`,
    );
  }
  const validated = tool.inputSchema.safeParse(parsed.value);
  if (!validated.success) {
    return failure(
      call.name,
      'invalid-arguments',
      `Invalid arguments for ${tool.name}: ${describeIssues(validated.error)}. ` +
        `Expected ${signature(registered)}.`,
    );
  }
  return { ok: true, tool, input: validated.data, description: tool.describeCall(validated.data) };
}

/** Applies the approval policy to a prepared call, then executes it. */
export async function runToolCall(options: {
  prepared: PreparedToolCall;
  policy: ApprovalPolicy;
  approve: ApprovalPrompt;
  context: ToolContext;
}): Promise<ToolResult> {
  const { prepared, policy, approve, context } = options;
  if (!prepared.ok) return prepared.result;
  const { tool, input, description } = prepared;
  const decision = decideApproval(policy, tool.access);
  if (decision === 'deny') {
    return {
      ok: false,
      error: {
        kind: 'not-approved',
        message: `${tool.name} is not allowed under the approval policy "${policy}".`,
      },
    };
  }
  if (decision === 'ask') {
    const answer = await approve({ toolName: tool.name, access: tool.access, description, input });
    if (!answer.approved) {
      return { ok: false, error: { kind: 'not-approved', message: answer.reason } };
    }
  }
  if (context.signal.aborted) {
    return {
      ok: false,
      error: { kind: 'cancelled', message: 'The run was cancelled before this call ran.' },
    };
  }
  try {
    return await tool.execute(input, context);
  } catch (error) {
    // A tool that throws has a bug or met an unexpected I/O failure; the model still gets an
    // answer it can act on, and the run goes on.
    return {
      ok: false,
      error: { kind: 'io-error', message: `${tool.name} failed: ${(error as Error).message}` },
    };
  }
}

/** The text the model sees for a tool result. */
export function toolResultText(result: ToolResult): string {
  return result.ok ? result.output : `Error (${result.error.kind}): ${result.error.message}`;
}

type ParsedArguments = { success: true; value: unknown } | { success: false; error: string };

function parseArguments(text: string): ParsedArguments {
  const trimmed = text
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  if (trimmed === '') return { success: true, value: {} };
  try {
    return { success: true, value: JSON.parse(trimmed) as unknown };
  } catch (error) {
    return { success: false, error: (error as Error).message };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'arguments'}: ${issue.message}`,
    )
    .join('; ');
}

/** A compact call signature from the tool's JSON schema: `edit_file(path: string, replace_all?: boolean)`. */
export function signature(tool: AnyTool): string {
  const schema = toToolSpec(tool).inputSchema;
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const parameters = Object.entries(properties).map(([name, property]) => {
    const type = typeof property.type === 'string' ? property.type : 'value';
    return `${name}${required.has(name) ? '' : '?'}: ${type}`;
  });
  return `${tool.name}(${parameters.join(', ')})`;
}

function failure(
  toolName: string,
  kind: 'unknown-tool' | 'invalid-arguments' | 'malformed-call',
  message: string,
): PreparedToolCall {
  return { ok: false, description: toolName, result: { ok: false, error: { kind, message } } };
}
