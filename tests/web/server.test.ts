import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStream } from '../../src/shared/ipc/web-transport';
import { createWebTransport } from '../../src/shared/ipc/web-transport';
import { createTegakiApi } from '../../src/shared/ipc/api';
import type { EventChannel, EventOf, Result } from '../../src/shared/ipc/contract';
import { fromWire, toWire } from '../../src/shared/ipc/wire';
import { removeDirs, smallHyperparameters, tempDir } from '../backend/fixtures';

// `npm run web` as a real process on a free port, spoken to over real HTTP.
const root = resolve(import.meta.dirname, '..', '..');
let server: ChildProcess;
/** The address the server printed, token included; `origin` is the part before the path. */
let url: string;
let origin: string;
let token: string;
let port: number;
let dataDir: string;
const dirs: string[] = [];

beforeAll(async () => {
  dataDir = await tempDir('web');
  dirs.push(dataDir);
  server = spawn(process.execPath, ['--import', 'tsx', 'src/web/server.ts', '--port', '0', '--data', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Tegaki is running at (http:\/\/127\.0\.0\.1:(\d+)\/\S*)/.exec(output);
      if (match) {
        clearTimeout(timer);
        port = Number(match[2]);
        origin = `http://127.0.0.1:${port}`;
        token = new URL(match[1]).searchParams.get('token') ?? '';
        resolveUrl(match[1]);
      }
    });
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
});

afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  await removeDirs(dirs);
});

async function invoke(channel: string, payload: unknown): Promise<Result<unknown>> {
  const response = await fetch(`${origin}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tegaki-token': token },
    body: toWire({ payload }),
  });
  expect(response.status).toBe(200);
  return fromWire(await response.text()) as Result<unknown>;
}

/** A minimal EventSource over fetch (Node 22 has none without a flag), as the bridge expects. */
function openEvents(eventsUrl: string): EventStream {
  const controller = new AbortController();
  const source: EventStream = { onmessage: null, close: () => controller.abort() };
  void (async () => {
    const response = await fetch(eventsUrl, { signal: controller.signal });
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body!) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = frame
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data) source.onmessage?.({ data });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return source;
}

interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function rawRequest(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolveRequest, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolveRequest({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body ?? (method === 'POST' ? toWire({ payload: undefined }) : undefined));
  });
}

/** A POST to an invoke channel with the loopback Host, JSON, and the given token headers. */
function post(channel: string, payload: unknown, tokenHeaders: Record<string, string>): Promise<RawResponse> {
  const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', ...tokenHeaders };
  return rawRequest(`/api/invoke/${channel}`, headers, 'POST', toWire({ payload }));
}

const aSeven = { strokes: [[[0.3, 0.2], [0.7, 0.2], [0.45, 0.8]]], label: 7 };

describe('npm run web', () => {
  it('listens on 127.0.0.1 and serves the built renderer with its CSP', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    const response = await fetch(url);
    if (existsSync(join(root, 'out', 'renderer', 'index.html'))) {
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("connect-src 'self'");
    } else {
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('electron-vite build');
    }
  });

  it('answers invoke requests with the same typed results as the Electron IPC', async () => {
    const list = await invoke('models:list', undefined);
    expect(list).toMatchObject({ ok: true, value: [{ id: 'default', active: true, source: 'default' }] });
    const prediction = await invoke('predict', { pixels: new Float32Array(784) });
    expect(prediction).toMatchObject({ ok: true, value: { modelId: 'default' } });
    const images = (await invoke('mnist:testImages', { indices: [0] })) as Result<{ pixels: Uint8Array }>;
    expect(images.ok && images.value.pixels).toBeInstanceOf(Uint8Array);
    expect(await invoke('predict', { pixels: [1] })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await invoke('no:such', {})).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses foreign hosts and origins, non-JSON posts and paths outside the renderer', async () => {
    expect((await rawRequest('/', { host: `evil.example:${port}` })).status).toBe(403);
    const json = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'x-tegaki-token': token };
    expect((await rawRequest('/api/invoke/models:list', { ...json, origin: 'https://evil.example' }, 'POST')).status).toBe(403);
    expect((await rawRequest('/api/invoke/models:list', { ...json, 'content-type': 'text/plain' }, 'POST')).status).toBe(415);
    expect((await rawRequest('/api/invoke/models:list', json, 'POST')).status).toBe(200);
    const escape = await rawRequest('/..%2f..%2fpackage.json', { host: `127.0.0.1:${port}` });
    expect(escape.body).not.toContain('"name": "tegaki"');
  });

  it("refuses an API call without this start's token, or with a wrong one, and changes nothing", async () => {
    const added = (await invoke('personal:add', aSeven)) as Result<{ sample: { id: string } }>;
    expect(added.ok).toBe(true);
    const id = added.ok ? added.value.sample.id : '';
    const wrong = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const refusedHeaders: Record<string, string>[] = [{}, { 'x-tegaki-token': wrong }, { 'x-tegaki-token': '' }];
    for (const tokenHeaders of refusedHeaders) {
      const deletion = await post('personal:delete', { id }, tokenHeaders);
      expect(deletion.status).toBe(403);
      expect(deletion.body).toContain('token');
      const exported = await post('personal:export', undefined, tokenHeaders);
      expect(exported.status).toBe(403);
      expect(exported.body).not.toContain('strokes');
    }
    // A token in the query is accepted as well as in the header (the event stream needs it), but must be right.
    const json = { host: `127.0.0.1:${port}`, 'content-type': 'application/json' };
    expect((await rawRequest(`/api/invoke/personal:delete?token=${wrong}`, json, 'POST', toWire({ payload: { id } }))).status).toBe(403);
    expect((await rawRequest(`/api/events?token=${wrong}`, { host: `127.0.0.1:${port}` })).status).toBe(403);
    expect((await rawRequest('/api/events', { host: `127.0.0.1:${port}` })).status).toBe(403);
    const list = (await invoke('personal:list', undefined)) as Result<{ samples: { id: string }[] }>;
    expect(list.ok && list.value.samples.map((s) => s.id)).toContain(id);
    expect(await invoke('personal:delete', { id })).toMatchObject({ ok: true });
  });

  it("sends frame-ancestors 'none' on the page, the API and refusals", async () => {
    const responses = [
      await rawRequest('/', { host: `127.0.0.1:${port}` }),
      await post('models:list', undefined, { 'x-tegaki-token': token }),
      await post('models:list', undefined, {}),
    ];
    for (const response of responses) {
      expect(response.headers['content-security-policy']).toBe("frame-ancestors 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('refuses a body over its channel limit with 413 naming the limit, and takes a larger one where the channel allows it', async () => {
    const big = { pixels: Array.from({ length: 200_000 }, () => 0.123456789) }; // about 2.4 MB of JSON
    const refused = await post('predict', big, { 'x-tegaki-token': token });
    expect(refused.status).toBe(413);
    expect(refused.body).toContain('predict');
    expect(refused.body).toContain('1 MiB');
    // models:import may carry a model file: the same size reaches the contract's own check.
    const accepted = await post('models:import', { fileName: 'x.tgk', bytes: new Uint8Array(2 * 1024 * 1024) }, { 'x-tegaki-token': token });
    expect(accepted.status).toBe(200);
    expect(fromWire(accepted.body)).toMatchObject({ ok: false });
    // The server still answers afterwards.
    expect(await invoke('models:list', undefined)).toMatchObject({ ok: true });
  });

  it('gives the renderer the same TegakiApi over the bridge, events included: a training run streams progress', async () => {
    const transport = createWebTransport({ fetch, openEvents, baseUrl: origin, token });
    const api = createTegakiApi(transport, 'web', 'test');
    const seen: { channel: EventChannel; payload: unknown }[] = [];
    const done = new Promise<EventOf<'training:done'>>((resolveDone, reject) => {
      api.training.onError((e) => reject(new Error(e.error.message)));
      api.training.onDone(resolveDone);
    });
    const offProgress = api.training.onProgress((p) => seen.push({ channel: 'training:progress', payload: p }));
    api.models.onChanged((p) => seen.push({ channel: 'models:changed', payload: p }));
    await new Promise((r) => setTimeout(r, 200)); // let the event stream connect

    const started = await api.training.start({ hyperparameters: smallHyperparameters(), name: 'Over the bridge' });
    expect(started.ok).toBe(true);
    const finished = await done;
    expect(finished.model.name).toBe('Over the bridge');
    const progress = seen.filter((e) => e.channel === 'training:progress').map((e) => e.payload as EventOf<'training:progress'>);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((p) => p.phase === 'training' && p.step > 0 && p.samplesPerSecond > 0)).toBe(true);
    expect(seen.some((e) => e.channel === 'models:changed')).toBe(true);
    offProgress();

    const evaluation = await api.evaluate(finished.model.id, 100);
    expect(evaluation.ok && evaluation.value.probabilities).toBeInstanceOf(Float32Array);
    expect(evaluation.ok && evaluation.value.probabilities.length).toBe(1000);
    expect(existsSync(join(dataDir, 'models', `${finished.model.id}.tgk`))).toBe(true);
  });
});
