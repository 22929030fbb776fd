/** Anything with a dotted `domain.past-tense` type (CONVENTIONS: Names). */
export interface BusEvent {
  type: string;
}

export type Listener<Event extends BusEvent> = (event: Event) => void;

export interface EventBus<Event extends BusEvent> {
  emit(event: Event): void;
  /** Returns a function that removes the listener. */
  subscribe(listener: Listener<Event>): () => void;
}

/**
 * A synchronous, typed fan-out for UI, telemetry and sync. A listener that throws does not stop
 * the others or the emitter: its error goes to `onListenerError`, which by default rethrows on
 * the next tick so the bug is loud.
 */
export function createEventBus<Event extends BusEvent>(
  options: { onListenerError?: (error: unknown, event: Event) => void } = {},
): EventBus<Event> {
  const listeners = new Set<Listener<Event>>();
  const onListenerError =
    options.onListenerError ??
    ((error: unknown) => {
      queueMicrotask(() => {
        throw error;
      });
    });
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error, event);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
