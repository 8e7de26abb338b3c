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

  it("sends the server's token as a header on every invoke and as ?token= on the event stream", async () => {
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const opened: string[] = [];
    const transport = createWebTransport({
      fetch: async (input, init) => {
        seen.push({ url: String(input), headers: init?.headers as Record<string, string> });
        return new Response(toWire({ ok: true, value: [] }));
      },
      baseUrl: 'http://127.0.0.1:1',
      token: 'a b',
      openEvents: (url) => {
        opened.push(url);
        return { onmessage: null, close() {} };
      },
    });
    await transport.invoke('models:list', undefined);
    expect(seen[0].headers['x-tegaki-token']).toBe('a b');
    transport.subscribe('notice', () => undefined);
    expect(opened).toEqual(['http://127.0.0.1:1/api/events?token=a%20b']);
  });
});
