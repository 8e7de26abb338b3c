import { request } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer } from '../../src/web/server';
import type { WebServer } from '../../src/web/server';
import { toWire } from '../../src/shared/ipc/wire';

// The browser mode's server in this process, with small bounds so a test can reach them.
let server: WebServer;
let port: number;

beforeAll(async () => {
  server = await startWebServer({ port: 0, maxConcurrentRequests: 2, maxEventStreams: 2, log: () => undefined });
  port = Number(new URL(server.origin).port);
});

afterAll(async () => {
  await server?.close();
});

interface Answer {
  status: number;
  body: string;
}

function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** An invoke whose body is announced but held back: it stays in flight until `finish`. */
function heldInvoke(channel: string): { answer: Promise<Answer>; finish: () => void } {
  const body = toWire({ payload: undefined });
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/api/invoke/${channel}`,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-tegaki-token': server.token },
  });
  const answer = answerOf(req);
  req.write(body.slice(0, 1));
  return { answer, finish: () => req.end(body.slice(1)) };
}

function invoke(channel: string, payload?: unknown): Promise<Answer> {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/api/invoke/${channel}`,
    headers: { 'content-type': 'application/json', 'x-tegaki-token': server.token },
  });
  const answer = answerOf(req);
  req.end(toWire({ payload }));
  return answer;
}

/** Opens an event stream; resolves with its status once the headers arrive, and a way to close it. */
function openStream(): Promise<{ status: number; body: Promise<string>; close: () => void }> {
  return new Promise((resolveStream, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/events?token=${server.token}` }, (res) => {
      let body = '';
      const ended = new Promise<string>((r) => {
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => r(body));
        res.on('close', () => r(body));
      });
      resolveStream({ status: res.statusCode ?? 0, body: ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('the browser-mode server bounds what it takes at once', () => {
  it('refuses requests over the bound with 503 while those in flight still get their answers', async () => {
    const first = heldInvoke('models:list');
    const second = heldInvoke('models:list');
    await settle();
    const third = await invoke('models:list');
    expect(third.status).toBe(503);
    expect(third.body).toContain('at most 2 requests');

    first.finish();
    second.finish();
    for (const held of [await first.answer, await second.answer]) {
      expect(held.status).toBe(200);
      expect(held.body).toContain('"ok":true');
    }
    await settle();
    expect((await invoke('models:list')).status).toBe(200);
  });

  it('refuses event streams over the bound with 503 while the open ones still carry events', async () => {
    const a = await openStream();
    const b = await openStream();
    expect([a.status, b.status]).toEqual([200, 200]);
    const c = await openStream();
    expect(c.status).toBe(503);
    expect(await c.body).toContain('at most 2 event streams');

    // A saved drawing announces 'personal:changed' on the streams that are open.
    const added = await invoke('personal:add', { strokes: [[[0.3, 0.2], [0.7, 0.2], [0.45, 0.8]]], label: 7 });
    expect(added.body).toContain('"ok":true');
    await settle();
    a.close();
    b.close();
    expect(await a.body).toContain('personal:changed');
    expect(await b.body).toContain('personal:changed');

    // A closed stream gives its place back.
    await settle();
    const d = await openStream();
    expect(d.status).toBe(200);
    d.close();
  });
});
