import type { RouterPolicy } from '../../config/router-config.js';
import type { RouteCandidate } from './route-candidate.js';
import { compareRanked, explainRanking, rankFacts } from './route-ranking.js';
import type { RouteNeeds } from './route-ranking.js';

export type { RouteNeeds } from './route-ranking.js';

/** What a step asks the router for. */
export interface RouteRequest {
  /** `coder` for an ordinary run; the router takes any role name. */
  role: string;
  needs: RouteNeeds;
}

export type RouteChoice =
  | {
      found: true;
      candidate: RouteCandidate;
      /** Its name in messages (with its location when two candidates share a name). */
      label: string;
      /** Why, in words (`explainRanking`), with what was left out when that mattered. */
      reason: string;
      /** It had stopped answering and its cool-off ended: this is its next try. */
      afterCoolOff: boolean;
    }
  | { found: false; message: string };

/**
 * Picks a model per role and step from the configured candidates (docs/architecture/models.md,
 * "Router"): by capability (role preference, locality, tool protocol, context window, measured
 * speed), by policy (`local-only` never considers a remote candidate, so it is never contacted),
 * and by availability (a candidate marked down sits out its cool-off). Deterministic: the same
 * facts always give the same pick. Contacts nothing itself.
 */
export interface ModelRouter {
  readonly policy: RouterPolicy;
  /** The candidates the policy allows, in config order. */
  readonly candidates: readonly RouteCandidate[];
  choose(request: RouteRequest): RouteChoice;
  /** The candidate's server stopped answering: leave it out until the cool-off ends. */
  markDown(candidate: RouteCandidate, why: string): void;
  /** Why the candidate sits out now (it stopped answering), or undefined when it does not. */
  unavailable(candidate: RouteCandidate): string | undefined;
  label(candidate: RouteCandidate): string;
}

export const DEFAULT_COOL_OFF_MS = 300_000;

export function createModelRouter(options: {
  candidates: readonly RouteCandidate[];
  policy: RouterPolicy;
  /** How long a candidate that stopped answering is left out (default 5 minutes). */
  coolOffMs?: number;
  /** Wall-clock milliseconds; injected by tests. */
  now?: () => number;
}): ModelRouter {
  const { policy } = options;
  const now = options.now ?? (() => Date.now());
  const coolOffMs = options.coolOffMs ?? DEFAULT_COOL_OFF_MS;
  const allowed = options.candidates.filter(
    (candidate) => policy === 'any' || candidate.locality === 'local',
  );
  const leftOutRemote = options.candidates.length - allowed.length;
  const down = new Map<RouteCandidate, { until: number; why: string }>();
  const names = new Map<string, number>();
  for (const candidate of options.candidates) {
    names.set(candidate.name, (names.get(candidate.name) ?? 0) + 1);
  }
  const label = (candidate: RouteCandidate) =>
    (names.get(candidate.name) ?? 0) > 1
      ? `${candidate.name} (${candidate.location})`
      : candidate.name;
  const isDown = (candidate: RouteCandidate) => (down.get(candidate)?.until ?? 0) > now();

  function choose(request: RouteRequest): RouteChoice {
    const { role, needs } = request;
    const minContext = needs.minContext ?? 0;
    const tooSmall = (candidate: RouteCandidate) =>
      candidate.contextWindow !== undefined && candidate.contextWindow < minContext;
    const ranked = allowed
      .map((candidate, order) => rankFacts(candidate, order, role, needs))
      .sort(compareRanked);
    const usable = ranked.filter(({ candidate }) => !isDown(candidate) && !tooSmall(candidate));
    const [winner, runnerUp] = usable;
    if (winner === undefined) return { found: false, message: nothingLeft(role, minContext) };
    const { candidate } = winner;
    const notes: string[] = [];
    const skipped = ranked
      .slice(0, ranked.indexOf(winner))
      .filter(({ candidate: other }) => isDown(other));
    if (skipped.length > 0) {
      notes.push(
        `not answering: ${skipped.map(({ candidate: other }) => label(other)).join(', ')}`,
      );
    }
    if (leftOutRemote > 0) notes.push(`remote models left out by the ${policy} policy`);
    const afterCoolOff = down.has(candidate);
    if (afterCoolOff) notes.push('tried again after its cool-off');
    down.delete(candidate);
    const reason = explainRanking({ winner, runnerUp, label: label(candidate), role });
    return {
      found: true,
      candidate,
      label: label(candidate),
      reason: notes.length === 0 ? reason : `${reason} (${notes.join('; ')})`,
      afterCoolOff,
    };
  }

  /** The message when no candidate is left: what was tried, and why each is out. */
  function nothingLeft(role: string, minContext: number): string {
    if (options.candidates.length === 0) {
      return 'No model is configured for the router: list some under "router": { "models": […] } in the config file.';
    }
    const tried = options.candidates.map((candidate) => {
      if (!allowed.includes(candidate)) return `${label(candidate)} is remote (${policy})`;
      const state = down.get(candidate);
      if (state !== undefined && state.until > now()) {
        return `${label(candidate)} is not answering (${state.why})`;
      }
      return `${label(candidate)} has a ${(candidate.contextWindow ?? 0).toLocaleString('en-US')}-token window, too small for ${minContext.toLocaleString('en-US')}`;
    });
    return (
      `No model is left for the ${role} role: ${tried.join('; ')}. Start one of them (or fix the ` +
      `router's "models" in the config file), then resume the session.`
    );
  }

  return {
    policy,
    candidates: allowed,
    choose,
    markDown(candidate, why) {
      down.set(candidate, { until: now() + coolOffMs, why });
    },
    unavailable: (candidate) => (isDown(candidate) ? down.get(candidate)?.why : undefined),
    label,
  };
}
