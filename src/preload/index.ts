import { contextBridge, ipcRenderer } from 'electron';
import { version as appVersion } from '../../package.json';
import { createTegakiApi } from '../shared/ipc/api';
import type { Transport } from '../shared/ipc/api';

// Named functions only (createTegakiApi): the renderer never gets ipcRenderer or a generic channel.
const transport: Transport = {
  invoke: (channel, request) => ipcRenderer.invoke(channel, request),
  subscribe: (channel, listener) => {
    const forward = (_event: Electron.IpcRendererEvent, payload: Parameters<typeof listener>[0]): void => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => void ipcRenderer.removeListener(channel, forward);
  },
};

contextBridge.exposeInMainWorld('tegaki', createTegakiApi(transport, 'electron', appVersion));
