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
 * The Electron app keeps its settings with electron-store instead (src/main/store/
 * electron-store.ts), which reads and sets aside an unreadable file with the same
 * `setAsideUnreadable` first; this store serves the browser mode, the CLI and tests.
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
    const { data, setAside } = readJsonObjectFile(this.path);
    this.setAside = setAside;
    return data;
  }
}

/**
 * A settings file as a JSON object: {} when there is none; when it is not a JSON object,
 * the file is moved aside as `<file>.corrupt-<time>` (kept for inspection, never
 * overwritten) and `setAside` says where and why, so the store starts afresh beside it.
 */
export function readJsonObjectFile(path: string): { data: Record<string, unknown>; setAside?: { path: string; reason: string } } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { data: {} };
    throw error;
  }
  let reason = 'it is not a JSON object';
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { data: parsed as Record<string, unknown> };
  } catch (error) {
    reason = `it is not valid JSON (${(error as Error).message})`;
  }
  const aside = `${path}.corrupt-${Date.now()}`;
  renameSync(path, aside);
  return { data: {}, setAside: { path: aside, reason: `${basename(path)} could not be read: ${reason}` } };
}
