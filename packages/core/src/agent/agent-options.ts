import type {
  LanguageModel,
  SessionEvent,
  SessionEventData,
  SessionFields,
  SessionStatus,
} from '@outpost/protocol';
import type { CheckpointHook } from '../checkpoint/checkpoint-gate.js';
import type { ApprovalPolicy } from '../config/outpost-config.js';
import type { EventBus } from '../events/event-bus.js';
import type { ModelRouter } from '../model/router/model-router.js';
import type { PromptProfile } from '../prompt/prompt-profile.js';
import type { ProjectRules } from '../prompt/project-rules.js';
import type { AnyTool, CodeSearch, ToolMemory } from '../tool/tool.js';
import type { AgentEvent, RunTotals } from './agent-event.js';
import type { ApprovalPrompt } from './approval-policy.js';
import type { LoopGuardSettings } from './loop-guard-settings.js';
import type { PlanningSettings } from './planning-settings.js';
import type { ReflectionResult } from './reflection.js';
import type { VerificationSettings } from './verification.js';

/** The types of `createAgent` (agent-loop.ts): what it is given, what a run takes and returns. */

/** The slice of the session store the loop needs. */
export interface SessionRecorder {
  appendEvent(sessionId: string, data: SessionEventData): SessionEvent;
  /** Several events in one transaction (one disk sync per step instead of one per event). */
  appendEvents(sessionId: string, data: readonly SessionEventData[]): SessionEvent[];
  update(sessionId: string, fields: Partial<SessionFields>): unknown;
  events(sessionId: string): SessionEvent[];
}

export interface AgentOptions {
  model: LanguageModel;
  /** The tools offered to the model, in a stable order (the prompt prefix depends on it). */
  tools: AnyTool[];
  sessions: SessionRecorder;
  events: EventBus<AgentEvent>;
  approval: { policy: ApprovalPolicy; prompt: ApprovalPrompt };
  /** Absolute, symlink-resolved project root. */
  projectRoot: string;
  systemPrompt: string;
  /** Most model calls one run may make. */
  maxSteps: number;
  /**
   * The first model call after a new user message must call a tool (`toolChoice: 'required'`).
   * Small models tend to answer a coding task from imagination without reading a file; the CLI
   * sets this where the tool protocol can enforce it (constrained decoding).
   */
  requireToolCallFirst?: boolean;
  /** How much wording tools get (default `full`); fixed for the agent, so the prefix is stable. */
  promptProfile?: PromptProfile;
  /**
   * Loads the project's rules (AGENTS.md and similar) the first time a session runs; the text is
   * recorded and reused for the rest of the session.
   */
  loadProjectRules?: (projectRoot: string) => ProjectRules;
  /**
   * The volatile context appended to each new user message (time, git status, the repository
   * map and the project memory relevant to the message and the current work). Recorded with the
   * message, so a replay sends the same bytes. `signal` is the run's: a context that waits (for
   * the code index) stops waiting when it aborts.
   */
  turnContext?: (
    userMessage: string,
    signal: AbortSignal,
    work: TurnWork,
  ) => Promise<string | undefined>;
  /** The project's code index, offered to tools (search_code). */
  codeSearch?: CodeSearch;
  /**
   * The project memory, offered to tools (remember proposes records, recall searches) and asked
   * for proposals by `reflect`. Without it those tools answer that there is no memory.
   */
  memory?: ToolMemory['store'];
  /**
   * Checks the model's changes before its answer is accepted (tests, and type-check and lint
   * when configured); without it, or without commands, answers are accepted as they come.
   */
  verification?: VerificationSettings;
  /**
   * Snapshots the working tree before the session's first write or command, once per session
   * (`checkpoint/checkpoint-gate.ts`, docs/architecture/checkpoints.md); recorded as an event.
   */
  checkpoint?: CheckpointHook;
  /**
   * When a message gets a plan step (`agent/plan-flow.ts`): `auto` lets the heuristic decide;
   * without it, only `RunInput.plan` makes one.
   */
  planning?: PlanningSettings;
  /** When the loop guard steps in (`agent/loop-guard.ts`); the defaults fill what is left out. */
  loopGuard?: Partial<LoopGuardSettings>;
  /**
   * Picks each step's model from several (`model/router/`, docs/architecture/models.md, "Router")
   * and falls back to another when one stops answering; `model` is then only the first pick.
   */
  router?: ModelRouter;
  monotonicNow?: () => number;
}

/** What a turn's context may know of the session besides the message. */
export interface TurnWork {
  sessionId: string;
  /** Files the session has read or changed so far, most recent first (`workPathsOf`). */
  workPaths: readonly string[];
}

export interface RunInput {
  sessionId: string;
  /** A new user message; without one the run continues the session where it stopped. */
  userMessage?: string;
  /** Make a plan for `userMessage` first, whatever the heuristic says (`run --plan`, `/plan`). */
  plan?: boolean;
  /** The role the router picks models for (default `coder`); only matters with a router. */
  role?: string;
  signal?: AbortSignal;
}

export type RunOutcome = Exclude<SessionStatus, 'running'>;

export interface RunResult {
  outcome: RunOutcome;
  /** The model's last complete answer in this run ('' when it never gave one). */
  finalText: string;
  error?: { kind: string; message: string };
  totals: RunTotals;
}

export interface Agent {
  run(input: RunInput): Promise<RunResult>;
  /**
   * The end-of-session reflection (`agent/reflection.ts`): when files changed since the session
   * last reflected, one model call with the session's prefix asks for `remember` calls, which
   * become `proposed` records. Skipped (no call) without memory, a remember tool or a change.
   */
  reflect(input: { sessionId: string; signal?: AbortSignal }): Promise<ReflectionResult>;
}
