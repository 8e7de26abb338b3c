import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { version } from './package.json';

// electron-vite 6 externalises package.json `dependencies` for main and preload by default
// (build.externalizeDeps), so there is no externalizeDepsPlugin any more.
//
// Entries are given as rolldownOptions.input, not build.lib: electron-vite re-bundles `?modulePath`
// imports (the engine's utility-process entry) with the main config, and a user-supplied `lib`
// without formats makes that sub-build default to UMD and fail.
export default defineConfig({
  main: {
    // ES modules, because package.json says "type": "module"; src/engine-process/entry.ts,
    // imported with `?modulePath`, comes out as a separate chunk under out/main/chunks.
    build: {
      rolldownOptions: {
        input: { index: resolve('src/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can neither be an ES module nor require files of its own:
      // one self-contained CommonJS file that only requires 'electron'.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          codeSplitting: false,
        },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      rolldownOptions: {
        input: resolve('src/renderer/index.html'),
      },
    },
    plugins: [react()],
    // The browser mode's bridge reports the version as the preload does.
    define: { __APP_VERSION__: JSON.stringify(version) },
  },
});
