import type { CheckpointEvent, SessionEvent } from '@outpost/protocol';
import { decideApproval } from '../agent/approval-policy.js';
import type { ApprovalPrompt } from '../agent/approval-policy.js';
import type { PreparedToolCall } from '../agent/tool-call-execution.js';
import type { ApprovalPolicy } from '../config/outpost-config.js';
import { sessionCheckpointOf } from './session-checkpoints.js';

/**
 * Takes the session's checkpoint (`Checkpoints.take`): the `checkpoint` event to record, or a
 * thrown error whose message says why there is none.
 */
export type CheckpointHook = (sessionId: string) => Promise<CheckpointEvent>;

export interface CheckpointGate {
  /**
   * Called for each tool call before it runs; returns the approval prompt to run it with. A call
   * that may write or run a command gets the session's checkpoint first: now when the policy
   * lets it run unasked, or once the person says yes when it asks. Other calls pass untouched.
   */
  approvalFor(call: {
    prepared: PreparedToolCall;
    toolCallId: string;
    prompt: ApprovalPrompt;
  }): Promise<ApprovalPrompt>;
}

/**
 * "Before the first write" for one run (docs/architecture/checkpoints.md): nothing happens when
 * the session already has a checkpoint; otherwise the first call with `write` or `command` access
 * that is going to run takes one, and records it. A failure is recorded as a `checkpoint` event
 * with its `error` (renderers show it as a warning) and the run goes on unprotected: an undo net
 * that fails must not stop the work. A run tries at most once; a later run of the session tries
 * again if no checkpoint was ever taken.
 */
export function createCheckpointGate(options: {
  take: CheckpointHook | undefined;
  sessionId: string;
  policy: ApprovalPolicy;
  /** The session's events when the run starts. */
  history: readonly SessionEvent[];
  record: (data: CheckpointEvent) => void;
}): CheckpointGate {
  const { take, sessionId, policy, record } = options;
  let done = take === undefined || sessionCheckpointOf(options.history) !== undefined;

  const checkpoint = async (toolCallId: string) => {
    if (done || take === undefined) return;
    done = true;
    try {
      record({ ...(await take(sessionId)), toolCallId });
    } catch (error) {
      record({
        type: 'checkpoint',
        reason: 'before-write',
        commit: null,
        ref: null,
        repository: null,
        files: 0,
        leftOut: [],
        toolCallId,
        error: (error as Error).message,
      });
    }
  };

  return {
    async approvalFor({ prepared, toolCallId, prompt }) {
      if (done || !prepared.ok) return prompt;
      const { access } = prepared.tool;
      if (access !== 'write' && access !== 'command') return prompt;
      const decision = decideApproval(policy, access);
      if (decision === 'deny') return prompt;
      if (decision === 'allow') {
        await checkpoint(toolCallId);
        return prompt;
      }
      return async (request) => {
        const answer = await prompt(request);
        if (answer.approved) await checkpoint(toolCallId);
        return answer;
      };
    },
  };
}
