import { describe, expect, it } from 'vitest';
import type { EventStream } from '../../../src/shared/ipc/web-transport';
import { createWebTransport } from '../../../src/shared/ipc/web-transport';
import { toWire } from '../../../src/shared/ipc/wire';

describe('createWebTransport', () => {
  it('turns an unreachable or failing server into an error result, never a rejection', async () => {
    const down = createWebTransport({ fetch: () => Promise.reject(new TypeError('fetch failed')), openEvents: () => ({ onmessage: null, close() {} }) });
    expect(await down.invoke('models:list', undefined)).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringContaining('fetch failed') } });
    const refusing = createWebTransport({ fetch: async () => new Response('forbidden host', { status: 403 }), openEvents: () => ({ onmessage: null, close() {} }) });
    expect(await refusing.invoke('models:list', undefined)).toMatchObject({ ok: false, error: { message: expect.stringContaining('403') } });
  });

  it('opens one event stream on first subscription and routes each event to its channel', () => {
    const opened: string[] = [];
    let stream: EventStream | undefined;
    const transport = createWebTransport({
      fetch,
      baseUrl: 'http://127.0.0.1:1',
      openEvents: (url) => {
        opened.push(url);
        return (stream = { onmessage: null, close() {} });
      },
    });
    const notices: unknown[] = [];
    const off = transport.subscribe('notice', (n) => notices.push(n));
    transport.subscribe('models:changed', () => notices.push('wrong channel'));
    expect(opened).toEqual(['http://127.0.0.1:1/api/events']);
    stream!.onmessage!({ data: toWire({ channel: 'notice', payload: { level: 'info', message: 'hi' } }) });
    off();
    stream!.onmessage!({ data: toWire({ channel: 'notice', payload: { level: 'info', message: 'after' } }) });
    expect(notices).toEqual([{ level: 'info', message: 'hi' }]);
  });
});
