import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { EngineChild, SpawnEngine } from './engine-host';

/** The engine entry as TypeScript source, for Node runs (tests, browser mode). */
export const engineSourceEntry = join(import.meta.dirname, '..', '..', 'engine-process', 'entry.ts');

/**
 * Starts the engine with Node's child_process.fork, speaking the same protocol as the
 * Electron utility process. A `.ts` entry runs through tsx. Structured-clone
 * serialization keeps typed arrays typed, as Electron's port does. Its exit is reported
 * once its stdout and stderr are drained ('close'), so the host has read a dying
 * engine's last words (V8's "heap out of memory") before it hears of the exit.
 */
export const nodeSpawn: SpawnEngine = ({ entryPath, env, execArgv }) => {
  const child = fork(entryPath, [], {
    execArgv: [...(entryPath.endsWith('.ts') ? ['--import', 'tsx'] : []), ...execArgv],
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
    onExit: (listener) =>
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => listener({ code, signal })),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    stdout: child.stdout,
    stderr: child.stderr,
  };
  // A failed spawn emits 'error' and maybe no 'close'; surface it as one so jobs fail.
  child.once('error', (error) => {
    if (child.exitCode === null && child.pid === undefined) child.emit('close', null, null);
    console.error('[engine] failed to start:', error.message);
  });
  return engine;
};
