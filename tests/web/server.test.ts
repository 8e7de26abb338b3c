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
let url: string;
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
      const match = /Tegaki is running at (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(output);
      if (match) {
        clearTimeout(timer);
        port = Number(match[2]);
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
  const response = await fetch(`${url}api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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

function rawRequest(path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolveRequest, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolveRequest({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? toWire({ payload: undefined }) : undefined);
  });
}

describe('npm run web', () => {
  it('listens on 127.0.0.1 and serves the built renderer with its CSP', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
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
    const json = { host: `127.0.0.1:${port}`, 'content-type': 'application/json' };
    expect((await rawRequest('/api/invoke/models:list', { ...json, origin: 'https://evil.example' }, 'POST')).status).toBe(403);
    expect((await rawRequest('/api/invoke/models:list', { ...json, 'content-type': 'text/plain' }, 'POST')).status).toBe(415);
    expect((await rawRequest('/api/invoke/models:list', json, 'POST')).status).toBe(200);
    const escape = await rawRequest('/..%2f..%2fpackage.json', { host: `127.0.0.1:${port}` });
    expect(escape.body).not.toContain('"name": "tegaki"');
  });

  it('gives the renderer the same TegakiApi over the bridge, events included: a training run streams progress', async () => {
    const transport = createWebTransport({ fetch, openEvents, baseUrl: url.replace(/\/$/, '') });
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
