import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { net, protocol } from 'electron';
import { APP_SCHEME, appFilePath } from './app-scheme';

/**
 * Before the app is ready: app:// is a standard, secure scheme (relative URLs, web
 * storage and fetch as on https), so the page never needs file://.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** The built renderer beside the main bundle (out/renderer), inside app.asar once packaged. */
export function builtRendererDir(mainBundleDir: string): string {
  return join(mainBundleDir, '..', 'renderer');
}

/**
 * When ready: serves app://tegaki/<path> from the built renderer and nothing else;
 * app-scheme.ts's appFilePath decides which file, or none (another host, `..`).
 */
export function setupAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFilePath(request.url, rendererDir);
    if (file === undefined) return new Response('not found', { status: 404 });
    try {
      return await net.fetch(pathToFileURL(file).href);
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
