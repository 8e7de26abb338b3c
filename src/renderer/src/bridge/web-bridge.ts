import { createTegakiApi } from '../../../shared/ipc/api';
import type { EventStream } from '../../../shared/ipc/web-transport';
import { createWebTransport } from '../../../shared/ipc/web-transport';

const TOKEN_KEY = 'tegaki-token';

/**
 * The browser-mode server's token (src/web/guards.ts). The page arrives on the address
 * the server printed, `/?token=...`; the token is kept for this tab (a reload still
 * works; sessionStorage is per origin, port included) and taken out of the address bar
 * so it is not copied, bookmarked or shown on screen.
 */
export function takePageToken(
  location: Pick<Location, 'href'>,
  history: Pick<History, 'replaceState' | 'state'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.href);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

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
    token: takePageToken(location, history, sessionStorage),
  });
  Object.defineProperty(window, 'tegaki', { value: Object.freeze(createTegakiApi(transport, 'web', appVersion)), enumerable: true });
}
