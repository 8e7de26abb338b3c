import type { EventChannel, EventOf } from '../../shared/ipc/contract';

export type EventListener = <C extends EventChannel>(channel: C, payload: EventOf<C>) => void;

/**
 * Every event for the renderer (training progress, model changes, notices) goes out
 * through here. A listener that throws is logged and skipped, so one broken window or
 * socket cannot keep the event from the others or fail the service that emitted it.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log: (line: string) => void) {}

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly emit: EventListener = (channel, payload) => {
    for (const listener of this.listeners) {
      try {
        listener(channel, payload);
      } catch (error) {
        this.log(`[backend] event listener failed on ${channel}: ${String(error)}`);
      }
    }
  };
}
