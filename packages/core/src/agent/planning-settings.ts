/** When the agent loop makes a plan (`AgentOptions.planning`, docs/architecture/agent-loop.md). */
export interface PlanningSettings {
  /**
   * Plan a message that looks like several steps (`planSignal`, agent/plan-heuristic.ts);
   * `run --plan` and `/plan` plan whatever it says.
   */
  auto: boolean;
  /** Most subtasks a plan may have. */
  maxSubtasks: number;
}

export const DEFAULT_MAX_SUBTASKS = 5;
