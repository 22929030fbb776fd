import type { ApprovalPolicy } from '../config/outpost-config.js';
import type { AnyTool, ToolAccess } from '../tool/tool.js';

export type ApprovalDecision = 'allow' | 'ask' | 'deny';

/**
 * What a policy does with each kind of access:
 *
 * | policy     | read  | write | command | memory |
 * |------------|-------|-------|---------|--------|
 * | read-only  | allow | deny  | deny    | deny   |
 * | ask        | allow | ask   | ask     | allow  |
 * | auto-edit  | allow | allow | ask     | allow  |
 * | full-auto  | allow | allow | allow   | allow  |
 *
 * `memory` (remember) only proposes a record that a person reviews later, so nothing asks first;
 * a read-only run writes nothing at all, memory included.
 */
export function decideApproval(policy: ApprovalPolicy, access: ToolAccess): ApprovalDecision {
  if (access === 'read') return 'allow';
  if (access === 'memory') return policy === 'read-only' ? 'deny' : 'allow';
  switch (policy) {
    case 'read-only':
      return 'deny';
    case 'ask':
      return 'ask';
    case 'auto-edit':
      return access === 'write' ? 'allow' : 'ask';
    case 'full-auto':
      return 'allow';
  }
}

/** Under `read-only` the model is not offered tools it could never use. */
export function toolsForPolicy(tools: AnyTool[], policy: ApprovalPolicy): AnyTool[] {
  return tools.filter((tool) => decideApproval(policy, tool.access) !== 'deny');
}

export interface ApprovalRequest {
  toolName: string;
  access: ToolAccess;
  /** One line naming the call, e.g. `run_command npm test`. */
  description: string;
  /** The validated arguments, for a detailed view. */
  input: unknown;
}

export type ApprovalAnswer = { approved: true } | { approved: false; reason: string };

/** Asks someone whether a call may go ahead. Interactive front ends ask the user; others refuse. */
export type ApprovalPrompt = (request: ApprovalRequest) => Promise<ApprovalAnswer>;

/**
 * The prompt for runs nobody can answer (no terminal, `--json`, a worker): it refuses and says
 * why in words the model can act on.
 */
export function createNonInteractiveApprovalPrompt(policy: ApprovalPolicy): ApprovalPrompt {
  return (request) =>
    Promise.resolve({
      approved: false,
      reason:
        `${request.toolName} was not run: the approval policy "${policy}" requires the user's ` +
        `confirmation for ${request.access === 'write' ? 'file changes' : 'commands'}, and this run is ` +
        `non-interactive. Do not retry it; continue without it, or finish and say what should be run or changed.`,
    });
}
