import { createTegakiApi } from '../../../shared/ipc/api';
import type { EventStream } from '../../../shared/ipc/web-transport';
import { createWebTransport } from '../../../shared/ipc/web-transport';

/**
 * Browser mode: puts the same TegakiApi the preload exposes on `window.tegaki`, over the
 * loopback server's HTTP + Server-Sent Events bridge. Does nothing in Electron, where the
 * preload has already defined it.
 */
export function installWebBridge(appVersion: string): void {
  if ('tegaki' in window) return;
  const transport = createWebTransport({
    fetch: (input, init) => window.fetch(input, init),
    openEvents: (url) => {
      const source = new EventSource(url);
      const stream: EventStream = { onmessage: null, close: () => source.close() };
      source.onmessage = (event: MessageEvent<string>) => stream.onmessage?.({ data: event.data });
      return stream;
    },
  });
  Object.defineProperty(window, 'tegaki', { value: Object.freeze(createTegakiApi(transport, 'web', appVersion)), enumerable: true });
}
