import type { ErrorCode } from '../../shared/errors';

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
