import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import type { KeyValueStore } from './key-value';

/**
 * The app's settings and model index: one JSON object in one file, read once, rewritten
 * whole on every set through the one atomic writer (digits/io/atomic-write.ts: every
 * byte, fsync, rename, fsync of the folder, mode 0o600), so a crash leaves the old file
 * or the new one, never half of either. A file that is not a JSON object is set aside
 * as `<file>.corrupt-<time>` and the store starts empty; `setAside` says so, for a notice.
 *
 * It replaces electron-store in the app: electron-store (conf + atomically) renames a
 * fsynced temp file but never fsyncs the folder, creates the file 0o644 unless told,
 * falls back to a plain overwrite on EXDEV, and on a file that is not JSON either throws
 * from its constructor or, with clearInvalidConfig, empties it; none of that can be
 * pointed at our writer.
 */
export class JsonFileStore implements KeyValueStore {
  private data: Record<string, unknown>;
  setAside: { path: string; reason: string } | undefined;

  constructor(readonly path: string) {
    this.data = this.read();
  }

  get(key: string): unknown {
    return structuredClone(this.data[key]);
  }

  set(key: string, value: unknown): void {
    const next = { ...this.data, [key]: structuredClone(value) };
    this.write(this.path, next);
    // Only once it is on disk: a failed write (disk full) leaves memory agreeing with the file.
    this.data = next;
  }

  all(): Record<string, unknown> {
    return structuredClone(this.data);
  }

  keepAside(label: string, value: unknown): string {
    const path = `${this.path}.${label}-${Date.now()}.json`;
    this.write(path, value);
    return path;
  }

  private write(path: string, value: unknown): void {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`);
  }

  private read(): Record<string, unknown> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    let reason = 'it is not a JSON object';
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch (error) {
      reason = `it is not valid JSON (${(error as Error).message})`;
    }
    // Kept for inspection, never overwritten: the store starts afresh beside it.
    const aside = `${this.path}.corrupt-${Date.now()}`;
    renameSync(this.path, aside);
    this.setAside = { path: aside, reason: `${basename(this.path)} could not be read: ${reason}` };
    return {};
  }
}
