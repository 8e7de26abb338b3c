/**
 * Placeholder entry of the engine process, to be replaced by the engine's owner.
 *
 * Runs as an Electron utility process (messages arrive on `process.parentPort`) or as a
 * plain Node child started with `child_process.fork` (messages on `process.on('message')`),
 * so the engine can be driven without Electron under test.
 */

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

type Send = (message: unknown) => void;

function handle(message: unknown, send: Send): void {
  if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping') {
    send({ type: 'pong' });
  }
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

if (parentPort) {
  parentPort.on('message', (event) => handle(event.data, (reply) => parentPort.postMessage(reply)));
} else if (process.send) {
  process.on('message', (message) => handle(message, (reply) => process.send?.(reply)));
}
