import { app, utilityProcess } from 'electron';
import type { EngineChild, EngineExit, SpawnEngine } from '../../backend/engine/engine-host';

/**
 * Starts the engine as an Electron utility process, its V8 flags (the heap budget) in
 * execArgv. Electron's `child-process-gone` says why a process died ('oom', 'crashed',
 * 'killed'...); the reason and its exit code are passed on with the exit.
 */
export const electronSpawn: SpawnEngine = ({ entryPath, env, serviceName, execArgv }) => {
  const child = utilityProcess.fork(entryPath, [], { serviceName, env: { ...process.env, ...env }, execArgv, stdio: 'pipe' });
  let gone: { reason: string; exitCode: number } | undefined;
  const onGone = (_event: unknown, details: Electron.Details): void => {
    if (details.type === 'Utility' && details.serviceName === serviceName) gone = { reason: details.reason, exitCode: details.exitCode };
  };
  app.on('child-process-gone', onGone);
  const engine: EngineChild = {
    get pid() {
      return child.pid;
    },
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) =>
      child.once('exit', (code) => {
        app.off('child-process-gone', onGone);
        const exit: EngineExit = { code: gone?.exitCode ?? code, signal: null, reason: gone?.reason };
        listener(exit);
      }),
    kill: () => void child.kill(),
    stdout: child.stdout,
    stderr: child.stderr,
  };
  return engine;
};
