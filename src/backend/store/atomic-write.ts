import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes a whole file so that a crash leaves either the old content or the new, never a
 * mixture: a temp file beside the target, fsync, rename over the target. Synchronous, as
 * electron-store's writes are, for the small JSON store. (Model files use the model file
 * module's own atomic writer.)
 */
export function writeFileAtomicSync(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    const fd = openSync(temp, 'w');
    try {
      // writeFileSync loops until every byte is written; a lone writeSync may write part
      // of it on a nearly full disk and report no error.
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    // A half-written temp file would only fill the disk further.
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOSPC' ? 'the disk is full' : (error as Error).message;
    throw new Error(`could not save ${path}: ${reason}; the previous file is untouched`, { cause: error });
  }
}

function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}
