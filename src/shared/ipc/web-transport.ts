import type { Listener, Transport } from './api';
import type { EventChannel, InvokeChannel, RequestOf, ResponseOf, Result } from './contract';
import { fromWire, toWire } from './wire';

/** The part of an EventSource the transport uses (a browser's EventSource, or a test's stand-in). */
export interface EventStream {
  onmessage: ((event: { data: string }) => void) | null;
  close(): void;
}

export interface WebTransportEnvironment {
  fetch: typeof fetch;
  /** Opens the server's event stream. */
  openEvents: (url: string) => EventStream;
  /** Where the server is; '' for the page's own origin (what the CSP's connect-src 'self' allows). */
  baseUrl?: string;
  /**
   * The token the server printed in its URL (src/web/guards.ts): sent as a header on every
   * invoke and as `?token=` on the event stream, since an EventSource cannot set headers.
   */
  token?: string;
}

/**
 * The browser mode's transport to the loopback server (src/web/server.ts): an HTTP POST
 * per invoke, one Server-Sent Events stream for every event. The stream opens on the
 * first subscription, so a page that never listens holds no connection. Like Electron's
 * IPC, an invoke never rejects: a dead server is an error result.
 */
export function createWebTransport(environment: WebTransportEnvironment): Transport {
  const base = environment.baseUrl ?? '';
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  let events: EventStream | undefined;

  const open = (): void => {
    if (events) return;
    const query = environment.token === undefined ? '' : `?token=${encodeURIComponent(environment.token)}`;
    events = environment.openEvents(`${base}/api/events${query}`);
    events.onmessage = (message) => {
      const { channel, payload } = fromWire(message.data) as { channel: EventChannel; payload: unknown };
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    };
  };

  return {
    async invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
      try {
        const response = await environment.fetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(environment.token === undefined ? {} : { 'x-tegaki-token': environment.token }) },
          body: toWire({ payload: request }),
        });
        if (!response.ok) return failure(`the Tegaki server answered ${response.status}: ${await response.text()}`);
        return fromWire(await response.text()) as Result<ResponseOf<C>>;
      } catch (error) {
        return failure(`the Tegaki server could not be reached (${error instanceof Error ? error.message : String(error)})`);
      }
    },
    subscribe<C extends EventChannel>(channel: C, listener: Listener<C>) {
      open();
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      const entry = listener as (payload: unknown) => void;
      set.add(entry);
      return () => void set.delete(entry);
    },
  };
}

function failure(message: string): Result<never> {
  return { ok: false, error: { code: 'internal', message } };
}
