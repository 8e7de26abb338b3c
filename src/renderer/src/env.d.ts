/// <reference types="vite/client" />

/** package.json's version, put in by the renderer build (electron.vite.config.ts). */
declare const __APP_VERSION__: string;
