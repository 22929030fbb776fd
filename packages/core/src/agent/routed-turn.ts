import type { LanguageModel, RouteEvent, SessionEvent, SessionEventData } from '@outpost/protocol';
import type { ModelRouter } from '../model/router/model-router.js';
import type { RouteCandidate } from '../model/router/route-candidate.js';
import { isUnavailableError } from '../model/router/unavailable-error.js';
import type { ModelTurn } from './model-turn.js';

/** The role a run works in when it names none. */
export const DEFAULT_ROLE = 'coder';

/** Which model a step uses: the agent's one model, or the router's pick for the run's role. */
export type RoutedModel =
  | { ok: true; model: LanguageModel; requireToolCallFirst: boolean }
  | { ok: false; message: string };

/**
 * The loop's side of the model router (docs/architecture/models.md, "Router"), for one run. Asks
 * the router for each step's model and records a `route` event whenever the choice changes (the
 * first routed step, a role change, a fallback, a cool-off that ended) — never on every step.
 * Without a router every answer is the agent's own model and nothing is recorded.
 */
export interface ModelRoute {
  /** `role` defaults to the run's; a different one than the last step's is a role change. */
  modelFor(step: number, role?: string): RoutedModel;
  /**
   * After a failed call: `retry` when its model stopped answering before showing anything and
   * another model takes the same step (the `route` event is recorded); otherwise the message to
   * stop on (the call's own, or what was tried when no model is left).
   */
  afterFailure(step: number, turn: ModelTurn): { retry: true } | { retry: false; message: string };
  /** The request needs `tokens` more than the model's window holds: true when a larger one takes over. */
  afterContextMiss(step: number, tokens: number): boolean;
}

export function createModelRoute(options: {
  router?: ModelRouter | undefined;
  /** The agent's model: every step's without a router. */
  model: LanguageModel;
  requireToolCallFirst?: boolean | undefined;
  /** The run's role (default `coder`). */
  role?: string | undefined;
  /** The tools the steps offer. */
  tools: readonly unknown[];
  history: readonly SessionEvent[];
  record: (...data: SessionEventData[]) => void;
}): ModelRoute {
  const { router } = options;
  if (router === undefined) {
    const fixed: RoutedModel = {
      ok: true,
      model: options.model,
      requireToolCallFirst: options.requireToolCallFirst === true,
    };
    return {
      modelFor: () => fixed,
      afterFailure: (_step, turn) => ({ retry: false, message: turn.error?.message ?? '' }),
      afterContextMiss: () => false,
    };
  }
  let current: RouteCandidate | undefined;
  const runRole = options.role ?? DEFAULT_ROLE;
  let role = runRole;
  let minContext = 0;
  const tools = options.tools.length > 0;
  /** The route the session last recorded: a resumed run that picks the same records nothing. */
  const previous = lastRoute(options.history);
  const choose = () => router.choose({ role, needs: { tools, minContext } });

  const switchTo = (
    step: number,
    candidate: RouteCandidate,
    trigger: RouteEvent['trigger'],
    reason: string,
    from: RouteEvent['fallbackFrom'] = current === undefined || current === candidate
      ? undefined
      : routedModel(current),
  ) => {
    current = candidate;
    options.record({
      type: 'route',
      step,
      role,
      ...routedModel(candidate),
      trigger,
      reason,
      ...(from === undefined ? {} : { fallbackFrom: from }),
    });
  };

  return {
    modelFor(step, stepRole = runRole) {
      const roleChanged = stepRole !== role;
      role = stepRole;
      const choice = choose();
      if (!choice.found) return { ok: false, message: choice.message };
      const { candidate } = choice;
      if (roleChanged && current !== undefined) {
        // A new role gets its reason even when the same model serves it.
        switchTo(step, candidate, 'role', choice.reason);
      } else if (current === undefined) {
        if (sameRoute(previous, candidate, role)) current = candidate;
        else if (previous === undefined) switchTo(step, candidate, 'first', choice.reason);
        else {
          // The session's last model: when it is not answering now, this run falls back from it.
          const before = router.candidates.find((other) =>
            sameRoute(previous, other, previous.role),
          );
          const why = before === undefined ? undefined : router.unavailable(before);
          if (before !== undefined && why !== undefined) {
            const stopped = `${router.label(before)} stopped answering (${why})`;
            switchTo(step, candidate, 'unavailable', `${stopped}; ${choice.reason}`, {
              provider: previous.provider,
              model: previous.model,
              location: previous.location,
            });
          } else {
            switchTo(step, candidate, previous.role === role ? 'first' : 'role', choice.reason);
          }
        }
      } else if (candidate !== current) {
        // Between steps the pick changes only when a better model's cool-off has ended.
        switchTo(step, candidate, choice.afterCoolOff ? 'cool-off-ended' : 'first', choice.reason);
      }
      return {
        ok: true,
        model: candidate.model,
        requireToolCallFirst: candidate.toolProtocol === 'constrained',
      };
    },

    afterFailure(step, turn) {
      const error = turn.error;
      if (error === undefined) return { retry: false, message: '' };
      const shown = turn.text !== '' || turn.reasoning !== '' || turn.toolCalls.length > 0;
      if (current === undefined || shown || !isUnavailableError(error)) {
        return { retry: false, message: error.message };
      }
      const failed = current;
      router.markDown(failed, firstSentence(error.message));
      const choice = choose();
      const stopped = `${router.label(failed)} stopped answering (${firstSentence(error.message)})`;
      if (!choice.found) return { retry: false, message: `${stopped}. ${choice.message}` };
      switchTo(step, choice.candidate, 'unavailable', `${stopped}; ${choice.reason}`);
      return { retry: true };
    },

    afterContextMiss(step, tokens) {
      if (current === undefined) return false;
      minContext = Math.max(minContext, windowFor(tokens));
      const choice = choose();
      if (!choice.found || choice.candidate === current) return false;
      const window = current.contextWindow;
      const outgrown =
        `the conversation needs about ${tokens.toLocaleString('en-US')} tokens, more than ` +
        `${router.label(current)}'s ${window === undefined ? '' : `${window.toLocaleString('en-US')}-token `}window holds`;
      switchTo(step, choice.candidate, 'context', `${outgrown}; ${choice.reason}`);
      return true;
    },
  };
}

/** The model for the end-of-session reflection: the router's pick for the default role, if any. */
export function reflectionModel(
  router: ModelRouter | undefined,
  model: LanguageModel,
): LanguageModel {
  if (router === undefined) return model;
  const choice = router.choose({ role: DEFAULT_ROLE, needs: { tools: true } });
  return choice.found ? choice.candidate.model : model;
}

function routedModel(
  candidate: RouteCandidate,
): Pick<RouteEvent, 'provider' | 'model' | 'location'> {
  return {
    provider: candidate.model.provider,
    model: candidate.model.modelId,
    location: candidate.location,
  };
}

function lastRoute(history: readonly SessionEvent[]): RouteEvent | undefined {
  for (let index = history.length - 1; index >= 0; index--) {
    const data = history[index]?.data;
    if (data?.type === 'route') return data;
  }
  return undefined;
}

function sameRoute(
  route: RouteEvent | undefined,
  candidate: RouteCandidate,
  role: string,
): boolean {
  return (
    route !== undefined &&
    route.role === role &&
    route.provider === candidate.model.provider &&
    route.model === candidate.model.modelId &&
    route.location === candidate.location
  );
}

/**
 * The smallest window whose room for the prompt (the window less the loop's reply reserve: a
 * quarter, at most 4,096 tokens; `outputReserve`) holds `tokens`.
 */
function windowFor(tokens: number): number {
  return tokens + 4096 >= 16_384 ? tokens + 4096 : Math.ceil((tokens * 4) / 3);
}

function firstSentence(message: string): string {
  const end = message.search(/\.(\s|$)/);
  return end === -1 ? message : message.slice(0, end);
}
