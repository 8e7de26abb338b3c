import { contextBridge } from 'electron';
import { version as appVersion } from '../../package.json';
import type { TegakiApi } from './api';

// Named functions only: the renderer never gets ipcRenderer or a generic channel.
const api: TegakiApi = {
  version: () => appVersion,
};

contextBridge.exposeInMainWorld('tegaki', api);
