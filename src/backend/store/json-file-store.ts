import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from '../../digits/io/atomic-write';
import type { KeyValueStore } from './key-value';

/**
 * electron-store's behaviour without Electron, for tests and the browser mode: one JSON
 * object in one file, read once, rewritten whole on every set, atomically (digits/io/atomic-write.ts)
 * so a crash leaves the old file or the new one, never half of either.
 * A file that is not JSON is set aside as `<file>.corrupt-<time>` and the store starts empty.
 */
export class JsonFileStore implements KeyValueStore {
  private data: Record<string, unknown>;

  constructor(readonly path: string) {
    this.data = this.read();
  }

  get(key: string): unknown {
    return structuredClone(this.data[key]);
  }

  set(key: string, value: unknown): void {
    this.data = { ...this.data, [key]: structuredClone(value) };
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileAtomicSync(this.path, `${JSON.stringify(this.data, null, 2)}\n`);
  }

  private read(): Record<string, unknown> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through: keep the unreadable file for inspection, start afresh
    }
    renameSync(this.path, `${this.path}.corrupt-${Date.now()}`);
    return {};
  }
}
