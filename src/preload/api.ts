/**
 * What the preload puts on `window.tegaki`. Types only, so the renderer can see it
 * without pulling Electron or Node into its program.
 */
export interface TegakiApi {
  /** The app's version, from package.json. */
  version(): string;
}
