import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import type { EventChannel, EventOf, InvokeChannel, Result } from '../shared/ipc/contract';
import { fail, invokeChannels } from '../shared/ipc/contract';
import type { Backend } from '../backend/services/backend';
import { isAppUrl } from './window';

/**
 * The only place that touches ipcMain. Every invoke channel of the contract goes
 * through `handle`, which refuses any sender that is not the app's own top-level page and
 * leaves payload validation to the backend (the contract's schemas). Events go to the
 * main window only.
 */
export function setupIpc(backend: Backend, appUrl: string, target: () => WebContents | undefined): () => void {
  for (const channel of invokeChannels) handle(channel, appUrl, (payload) => backend.handle(channel, payload));
  const stop = backend.onEvent(<C extends EventChannel>(channel: C, payload: EventOf<C>) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(channel, payload);
  });
  return () => {
    stop();
    for (const channel of invokeChannels) ipcMain.removeHandler(channel);
  };
}

function handle(channel: InvokeChannel, appUrl: string, run: (payload: unknown) => Promise<Result<unknown>>): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
    if (!isTrustedSender(event, appUrl)) return fail('forbidden', `${channel}: the sender is not Tegaki's own page`);
    return run(payload);
  });
}

/** Desktop's safeListener / Fiddle's ipc.ts check: a live top-level frame showing one of the app's pages. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, appUrl: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, appUrl);
}
