import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { EngineChild, SpawnEngine } from './engine-host';

/** The engine entry as TypeScript source, for Node runs (tests, browser mode). */
export const engineSourceEntry = join(import.meta.dirname, '..', '..', 'engine-process', 'entry.ts');

/**
 * Starts the engine with Node's child_process.fork, speaking the same protocol as the
 * Electron utility process. A `.ts` entry runs through tsx. Structured-clone
 * serialization keeps typed arrays typed, as Electron's port does.
 */
export const nodeSpawn: SpawnEngine = ({ entryPath, env }) => {
  const child = fork(entryPath, [], {
    execArgv: entryPath.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: { ...process.env, ...env },
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const engine: EngineChild = {
    get pid() {
      return child.pid;
    },
    postMessage: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as Parameters<typeof listener>[0])),
    onExit: (listener) => child.once('exit', (code, signal) => listener({ code, signal })),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    stdout: child.stdout,
    stderr: child.stderr,
  };
  // A failed spawn emits 'error' and maybe no 'exit'; surface it as an exit so jobs fail.
  child.once('error', (error) => {
    if (child.exitCode === null && child.pid === undefined) child.emit('exit', null, null);
    console.error('[engine] failed to start:', error.message);
  });
  return engine;
};
