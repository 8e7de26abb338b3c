import { app, utilityProcess } from 'electron';
import type { EngineChild, EngineExit, SpawnEngine } from '../../backend/engine/engine-host';

/**
 * Starts the engine as an Electron utility process. Electron's `child-process-gone`
 * says why a process died (oom, crashed, killed); it is passed on with the exit.
 */
export const electronSpawn: SpawnEngine = ({ entryPath, env, serviceName }) => {
  const child = utilityProcess.fork(entryPath, [], { serviceName, env: { ...process.env, ...env }, stdio: 'pipe' });
  let goneReason: string | undefined;
  const onGone = (_event: unknown, details: Electron.Details): void => {
    if (details.type === 'Utility' && details.serviceName === serviceName) goneReason = `${details.reason} (exit code ${details.exitCode})`;
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
        const exit: EngineExit = { code, signal: null, reason: goneReason };
        listener(exit);
      }),
    kill: () => void child.kill(),
    stdout: child.stdout,
    stderr: child.stderr,
  };
  return engine;
};
