/**
 * The folder layout is the architecture (README, "Architecture"); these checks keep it
 * so: no import cycles anywhere in src/, the textbook engine depends on nothing of the
 * application, and the browser mode and the backend never reach into the Electron layer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path.endsWith(join('wasm', 'assembly')) ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.wasm.ts') ? [path] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier.split('?')[0]);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Every file's relative imports (type-only ones too: a cycle of types is still a knot to read). */
const graph = new Map<string, string[]>();
for (const file of sourceFiles(src)) {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  graph.set(
    file,
    specifiers.flatMap((s) => resolveImport(file, s) ?? []),
  );
}
const rel = (file: string): string => relative(root, file);

function findCycle(): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next].map(rel);
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Imports from files under `fromDir` into files under any of `forbidden`, as "a -> b". */
function crossings(fromDir: string, forbidden: string[]): string[] {
  const from = join(src, fromDir);
  return [...graph].flatMap(([file, imports]) =>
    file.startsWith(from + '/')
      ? imports
          .filter((target) => forbidden.some((dir) => target.startsWith(join(src, dir) + '/')))
          .map((t) => `${rel(file)} -> ${rel(t)}`)
      : [],
  );
}

describe('the layout is the architecture', () => {
  it('reads the source tree (a check on this test itself)', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get(join(src, 'backend', 'services', 'backend.ts'))?.length).toBeGreaterThan(3);
  });

  it('has no import cycles', () => {
    expect(findCycle()).toBeUndefined();
  });

  it('keeps the textbook engine free of the application around it', () => {
    expect(
      crossings('engine', ['digits', 'engine-process', 'backend', 'main', 'web', 'cli', 'renderer', 'preload']),
    ).toEqual([]);
  });

  it('keeps the Electron layer out of the backend, the browser mode, the engine process and the command line', () => {
    for (const dir of ['backend', 'web', 'engine-process', 'cli', 'digits'])
      expect(crossings(dir, ['main', 'renderer']), dir).toEqual([]);
  });

  it('keeps the engine process off the IPC contract: it speaks its own protocol', () => {
    expect(crossings('engine-process', ['shared/ipc', 'backend'])).toEqual([]);
  });

  it('ships nothing from outside src/: no source file imports the benchmarks, scripts or tests', () => {
    const outside = ['bench', 'scripts', 'tests'].map((dir) => join(root, dir) + '/');
    const leaks = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((t) => outside.some((dir) => t.startsWith(dir)))
        .map((t) => `${rel(file)} -> ${relative(root, t)}`),
    );
    expect(leaks).toEqual([]);
  });
});
