/**
 * README is what a newcomer runs first: every `tegaki` command, flag and preset it
 * quotes must exist, and so must every `npm run` script. (The figures it quotes come
 * from real runs; see the Benchmark section for the commands that produce them.)
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../src/cli/program';
import { presetNames } from '../src/shared/presets';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** Every `tegaki ...` invocation in README: in code blocks and in inline code, up to a comment or the line's end. */
function tegakiInvocations(text: string): string[][] {
  const lines = text.split('\n').flatMap((line) => [...line.matchAll(/(?:^|[`$\s])(?:npx )?tegaki ([^`#\n]*)/g)].map((m) => m[1]));
  return lines.map((rest) => rest.replace(/\\$/, '').trim().split(/\s+/).filter(Boolean));
}

describe('README quotes only what exists', () => {
  const program = createProgram();
  const invocations = tegakiInvocations(readme);

  it('finds the command-line examples (a check on this test itself)', () => {
    expect(invocations.length).toBeGreaterThan(8);
  });

  it('every tegaki command and flag it shows exists', () => {
    const problems: string[] = [];
    for (const [name, ...args] of invocations) {
      // Bench output lines start with the implementation's name ("tegaki  138,208 samples/s"): not a command.
      if (!name || !/^[a-z]/.test(name)) continue;
      const command = program.commands.find((c) => c.name() === name);
      if (!command) {
        problems.push(`no command "tegaki ${name}"`);
        continue;
      }
      const known = new Set(['--help', ...command.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f))]);
      for (const arg of args) {
        const flag = arg.replace(/=.*$/, '').replace(/[,.;:)]+$/, '');
        if (flag.startsWith('--') && !known.has(flag)) problems.push(`tegaki ${name}: no flag ${flag}`);
      }
      args.forEach((arg, i) => {
        if (arg === '--preset' && !presetNames.includes(args[i + 1] as (typeof presetNames)[number])) {
          problems.push(`tegaki ${name}: no preset "${args[i + 1]}"`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('every preset named as `--preset X` or in backticks as a preset exists', () => {
    const named = [...readme.matchAll(/--preset ([\w-]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !presetNames.includes(n as (typeof presetNames)[number]))).toEqual([]);
  });

  it('every `npm run` script it names exists in package.json', () => {
    const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    expect([...new Set(named)].filter((n) => !scripts.includes(n))).toEqual([]);
  });
});
