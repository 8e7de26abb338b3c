import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The built renderer is served from `app://tegaki/...` (app-protocol.ts) instead of
 * file://: a page on its own origin, which can reach no other file on disk, and whose
 * address isAppUrl can check by scheme and host. Plain Node, so the checks have Node tests.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tegaki';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The built page's address. */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The file under `rendererDir` an app:// request asks for, or undefined when it is not
 * ours to serve: another scheme or host, a user or port, a malformed escape, an encoded
 * slash or a backslash, a NUL, or a path that would leave the renderer's folder. (The URL
 * parser has already clamped `..` segments, `%2e%2e` included, at the root.)
 * `app://tegaki/` is the index page.
 */
export function appFilePath(requestUrl: string, rendererDir: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '') return undefined;
  // Our files' names need no encoded separator; one can only be an attempt to hide `..` or a drive.
  if (/%2f|%5c/i.test(url.pathname)) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const wanted = pathname.replace(/^[/\\]+/, '') || 'index.html';
  if (isAbsolute(wanted) || /^[a-zA-Z]:/.test(wanted)) return undefined;
  const root = resolve(rendererDir);
  const file = resolve(root, wanted);
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file.startsWith(root + sep) ? file : undefined;
}
