import type { ErrorCode } from '../../shared/errors';
import type { IpcError } from '../../shared/ipc/contract';
import { EngineJobError } from '../engine/engine-host';

/** A failure a service expects and can name; the backend turns it into `{ ok: false, error }`. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The longest message the renderer is shown; the log keeps the whole of it. */
export const MAX_ERROR_MESSAGE = 300;

/**
 * Any failure as the renderer sees it: a code and a short message with every absolute
 * path cut down to its file's name (where the person's files are is nobody else's
 * business, and a page could be made to show it). The log gets the details: the whole
 * message when it was shortened, and the stack of a failure nobody expected ('internal').
 */
export function toIpcError(error: unknown, log: (line: string) => void): IpcError {
  const expected = error instanceof ServiceError || error instanceof EngineJobError;
  const message = error instanceof Error ? error.message : String(error);
  const short = shortMessage(message);
  if (!expected) log(`[backend] unexpected error: ${error instanceof Error ? (error.stack ?? message) : message}`);
  else if (short !== message) log(`[backend] ${error.code}: ${message}`);
  return { code: expected ? error.code : 'internal', message: short };
}

/** The first line, without absolute paths, at most MAX_ERROR_MESSAGE characters. */
export function shortMessage(message: string): string {
  const firstLine = withoutAbsolutePaths(message).split(/\r?\n/, 1)[0]!.trim();
  return firstLine.length <= MAX_ERROR_MESSAGE ? firstLine : `${firstLine.slice(0, MAX_ERROR_MESSAGE - 1)}…`;
}

// A path inside quotes may hold spaces (Node's fs errors quote theirs); a bare one ends at
// a space or punctuation. POSIX (/a/b), Windows (C:\a\b, C:/a/b, \\server\share) and file:// URLs.
const QUOTED_PATH = /(['"`])((?:file:\/\/|\/|[A-Za-z]:[\\/]|\\\\)[^'"`\r\n]*)\1/g;
const BARE_PATH = /(^|[\s(=[,:])((?:file:\/\/[^\s'"`),;]*|\/(?!\/)[^\s'"`),;]+|[A-Za-z]:[\\/][^\s'"`),;]*|\\\\[^\s'"`),;]+))/g;

/** `message` with each absolute path replaced by the name of the file or folder it ends in. */
export function withoutAbsolutePaths(message: string): string {
  return message
    .replace(QUOTED_PATH, (_match, quote: string, path: string) => `${quote}${lastSegment(path)}${quote}`)
    .replace(BARE_PATH, (_match, before: string, path: string) => `${before}${lastSegment(path)}`);
}

function lastSegment(path: string): string {
  const parts = path.replace(/^file:\/\//, '').split(/[\\/]+/).filter((part) => part !== '');
  const last = parts.at(-1) ?? '';
  // A drive letter alone ("C:") names no file.
  return /^[A-Za-z]:$/.test(last) ? '' : last;
}
