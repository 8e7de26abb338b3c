import type { TegakiApi } from './api';

declare global {
  interface Window {
    readonly tegaki: TegakiApi;
  }
}
