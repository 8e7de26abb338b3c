import type { TegakiApi } from '../shared/ipc/api';

declare global {
  interface Window {
    readonly tegaki: TegakiApi;
  }
}
