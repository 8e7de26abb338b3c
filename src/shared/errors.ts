/**
 * Why a job or a request failed, as a code the renderer can act on. Shared by the IPC
 * contract, the backend's services and the engine process, which has no business with
 * the IPC contract itself.
 */
export const errorCodes = [
  /** The payload failed its schema. */
  'invalid-payload',
  'unknown-channel',
  /** The sender is not the app's own page. */
  'forbidden',
  'not-found',
  /** A training job is already running (a second one is refused, not queued). */
  'busy',
  'cancelled',
  'diverged',
  /** The engine process died or stopped answering; the next job starts a fresh one. */
  'engine-crashed',
  /**
   * An engine job ran past its time limit (EngineHostConfig.jobTimeoutMs): it was
   * stopped, and the engine restarted if it would not stop; the next job works.
   */
  'timeout',
  /** A model file that cannot be read: bad magic, truncated, wrong shapes... */
  'invalid-model',
  /** The built-in default model cannot be renamed or deleted. */
  'read-only',
  'data-missing',
  /**
   * A trained model could not be written (the disk is full, the folder read-only): the
   * backend keeps it in memory and 'training:saveAgain' retries.
   */
  'save-failed',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];
