import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Files Tegaki writes hold a person's drawings and models: readable by their owner only. */
export const SAVED_FILE_MODE = 0o600;

/**
 * The one way Tegaki saves a file (the app's store, model files, personal samples, the
 * command line's models), so that a crash or a full disk leaves either the old content
 * or the new, never a mixture:
 *
 * 1. a temp file in the target's folder (a rename across file systems is not atomic),
 *    created new with mode 0o600;
 * 2. every byte written: a write that stops short is "the disk is full", not success;
 * 3. fsync of the file, then rename over the target;
 * 4. fsync of the folder, so the rename itself survives a power cut.
 *
 * On failure the temp file is removed and the target is as it was. Synchronous, as
 * electron-store's writes are: the store's callers need the file written when set()
 * returns, and even a model file is written in a few milliseconds.
 */
export function writeFileAtomicSync(path: string, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', SAVED_FILE_MODE);
    try {
      writeAll(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    // A half-written temp file would only fill the disk further.
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full' : (error as Error).message;
    throw new Error(`could not save ${path}: ${reason}; any previous file there is untouched`, { cause: error });
  }
  syncFolder(dirname(path));
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(fd, bytes, offset, bytes.length - offset);
    // A write that makes no progress would loop for ever; on a full disk it is ENOSPC.
    if (written <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    offset += written;
  }
}

/**
 * Makes a rename in `folder` durable: without this a power cut can forget it. For files
 * written by other code (electron-store) as much as for this writer's own.
 */
export function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform can open or fsync a folder (Windows cannot); the rename is done either way.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The temp files writeFileAtomicSync names: `.<target>.<12 hex digits>.tmp`. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Removes the temp files a crash mid-save left in `folder` (not below it) and returns
 * their names. Only for start-up, before anything in this process writes there.
 */
export function sweepTempFilesSync(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const swept = names.filter((name) => TEMP_FILE.test(name));
  for (const name of swept) rmSync(join(folder, name), { force: true });
  return swept;
}
