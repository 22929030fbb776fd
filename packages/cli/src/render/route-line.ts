import type { RouteEvent } from '@outpost/protocol';
import type { Style } from './style.js';

/**
 * The terminal's line when the router's choice changes: which model now serves the role, where
 * it runs, and why. A fallback (the model in use stopped answering, or its window was outgrown)
 * stands out; the first pick is quiet.
 */
export function routeLine(data: RouteEvent, style: Style): string {
  const text = `model for ${data.role}: ${data.reason} · ${data.location}`;
  return data.trigger === 'unavailable' || data.trigger === 'context'
    ? style.yellow(`! ${text}`)
    : style.dim(text);
}

/** The `sessions show` line of a `route` event, after its time and label. */
export function routeDetail(data: RouteEvent, style: Style): string {
  const mark = data.fallbackFrom === undefined ? '' : `${data.fallbackFrom.model} → `;
  const trigger = data.trigger === 'unavailable' ? style.yellow(data.trigger) : data.trigger;
  return (
    `${mark}${data.model} for ${data.role} (${data.provider}, ${data.location}) · ${trigger}: ` +
    data.reason
  );
}
