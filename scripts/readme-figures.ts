/**
 * `npm run readme:figures [-- --only ID,ID]`: runs the commands whose output README
 * quotes and writes their real output between README's markers
 *
 *   <!-- readme-figures: ID -->
 *   ```text
 *   $ the command as a reader would type it
 *   ...its output...
 *   ```
 *   <!-- /readme-figures -->
 *
 * so no figure in README is typed by hand. Every block says when and where it was
 * measured. tests/readme.test.ts checks that every quoted command output sits inside
 * such a block and that every block's ID is one of these.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const readmePath = join(root, 'README.md');

export interface FigureBlock {
  id: string;
  /** What README shows after `$ `. */
  shown: string;
  /** What runs: argv for node (tsx is loaded), from the repository's root. */
  run: (work: string) => string[];
  /** Temp paths in the output are replaced by what the reader would have typed. */
  outputs?: Record<string, string>;
}

const tsx = ['--import', 'tsx'];

/** A block that shows `npm run bench -- --only PARTS` and runs the bench that way. */
function benchBlock(id: string, parts: string): FigureBlock {
  return { id, shown: `npm run bench -- --only ${parts}`, run: () => [...tsx, 'bench/index.ts', '--only', parts] };
}

export const figureBlocks: FigureBlock[] = [
  {
    id: 'train-seed-classic',
    shown: 'npx tegaki train --preset seed-classic --out classic.tgk',
    run: (work) => [
      ...tsx,
      'src/cli/index.ts',
      'train',
      '--preset',
      'seed-classic',
      '--out',
      join(work, 'classic.tgk'),
    ],
    outputs: { 'classic.tgk': 'classic.tgk' },
  },
  benchBlock('bench-speed', 'speed'),
  benchBlock('bench-presets', 'seed-classic,seed-layered,recommended'),
  benchBlock('bench-cnn', 'cnn'),
  benchBlock('bench-fast', 'fast'),
  benchBlock('bench-torch', 'torch'),
  benchBlock('bench-threads', 'threads'),
  benchBlock('bench-retrain', 'retrain'),
  benchBlock('bench-report', 'report'),
  benchBlock('bench-finetune', 'finetune'),
  benchBlock('bench-drawn', 'drawn'),
  benchBlock('bench-calibration', 'calibration'),
];

export const BLOCK_START = /<!-- readme-figures: ([\w-]+) -->\n/g;
export const BLOCK_END = '<!-- /readme-figures -->';
/** Terminal colour codes, which a progress bar or a test runner may print even when told not to. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

function runBlock(block: FigureBlock): string {
  const work = mkdtempSync(join(tmpdir(), 'tegaki-readme-'));
  try {
    process.stderr.write(`running ${block.shown} ...\n`);
    const started = Date.now();
    // stderr and stdout interleaved as a terminal shows them.
    const result = spawnSync('bash', ['-c', `exec "$0" "$@" 2>&1`, process.execPath, ...block.run(work)], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = result.stdout.replace(ANSI_COLOUR, '').trimEnd();
    for (const [file, shown] of Object.entries(block.outputs ?? {}))
      output = output.split(join(work, file)).join(shown);
    const seconds = Math.round((Date.now() - started) / 1000);
    const exit = result.status === 0 ? '' : ` (exit code ${result.status}: a bar was missed or it failed)`;
    process.stderr.write(`  done in ${seconds} s${exit}\n`);
    const when = new Date().toISOString().slice(0, 10);
    const where = `${cpus().length} cores, Node ${process.versions.node}`;
    return `\`\`\`text\n$ ${block.shown}\n${output}\n\`\`\`\n<sub>Measured ${when} on ${where}; ${seconds} s${exit}. Regenerate with \`npm run readme:figures -- --only ${block.id}\`.</sub>\n`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function main(): void {
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(process.argv[onlyAt + 1]?.split(',')) : undefined;
  const present = [...readFileSync(readmePath, 'utf8').matchAll(BLOCK_START)].map((m) => m[1]);
  for (const id of only ?? present) {
    const block = figureBlocks.find((b) => b.id === id);
    if (!block) throw new Error(`no figure block "${id}" (known: ${figureBlocks.map((b) => b.id).join(', ')})`);
    const output = runBlock(block);
    // README is read again after the run (which may take minutes), so edits made meanwhile are kept.
    const readme = readFileSync(readmePath, 'utf8');
    const marker = `<!-- readme-figures: ${id} -->\n`;
    const start = readme.indexOf(marker);
    if (start < 0) throw new Error(`README has no marker for "${id}"`);
    const end = readme.indexOf(BLOCK_END, start);
    writeFileSync(readmePath, readme.slice(0, start + marker.length) + output + readme.slice(end));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
