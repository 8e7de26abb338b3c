#!/usr/bin/env node
// The `tegaki` command: runs the TypeScript command line through tsx, so a checkout
// needs no build step (`npx tegaki train --preset quick`).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`tegaki needs Node 22.12 or newer; this is ${process.version}. Run: source scripts/node22.sh\n`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/index.ts');
