/**
 * What the browser mode's server lets through, apart from the Host and Origin checks that
 * stop other websites: a per-start token that stops other local processes, a body limit
 * per channel, and bounds on requests in flight and on open event streams.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { InvokeChannel } from '../shared/ipc/contract';

/** The header the renderer's bridge sends the token in; EventSource cannot set headers, so streams take `?token=`. */
export const TOKEN_HEADER = 'x-tegaki-token';
export const TOKEN_PARAMETER = 'token';

/** 32 random bytes as hex: new at every start, printed only in the URL the server prints. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** The request's token (header first, then the query parameter) compared in constant time. */
export function hasToken(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers[TOKEN_HEADER];
  const given = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get(TOKEN_PARAMETER) ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Every channel not named below: ids, names, hyperparameters, one 28x28 image. */
export const DEFAULT_BODY_LIMIT = 1 * MiB;

/**
 * Channels that carry more. The wire sends bytes as base64 (4 bytes for 3), so the
 * contract's 64 MB model file needs 64 * 4/3 MiB plus the envelope; a samples file's
 * text is JSON-escaped once more inside the body.
 */
export const BODY_LIMITS: Partial<Record<InvokeChannel, number>> = {
  'models:import': 88 * MiB,
  'personal:import': 72 * MiB,
  // A drawing of a few thousand points is tens of KiB; this leaves ample room.
  'personal:add': 8 * MiB,
};

export function bodyLimitFor(channel: string): number {
  return BODY_LIMITS[channel as InvokeChannel] ?? DEFAULT_BODY_LIMIT;
}

/** "88 MiB", "1 MiB", "512 KiB": how a limit is named in a refusal. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}

/**
 * Requests in flight at once and open event streams. A browser opens at most 6
 * connections to one origin per profile, one of them the page's event stream, so one
 * tab never has more than 5 requests in flight: these leave room for a few tabs.
 */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 16;
export const DEFAULT_MAX_EVENT_STREAMS = 8;

/** A counting bound: `take` says whether a slot was free; every taken slot is given back once. */
export class Slots {
  private used = 0;

  constructor(readonly limit: number) {}

  take(): (() => void) | undefined {
    if (this.used >= this.limit) return undefined;
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
    };
  }

  get inUse(): number {
    return this.used;
  }
}
