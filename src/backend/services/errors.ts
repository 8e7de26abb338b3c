import type { ErrorCode } from '../../shared/errors';
import type { IpcError } from '../../shared/ipc/contract';
import { EngineJobError } from '../engine/engine-host';

/** A failure a service expects and can name; the backend turns it into `{ ok: false, error }`. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** Any failure as the renderer sees it; one nobody expected is logged with its stack and called 'internal'. */
export function toIpcError(error: unknown, log: (line: string) => void): IpcError {
  if (error instanceof ServiceError || error instanceof EngineJobError) return { code: error.code, message: error.message };
  log(`[backend] unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
