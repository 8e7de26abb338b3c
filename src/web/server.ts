/**
 * Browser mode: the renderer in an ordinary browser, wired to the very same services as
 * the Electron app (model store, engine child process) through a loopback bridge:
 *
 *   POST /api/invoke/<channel>   body: wire JSON { payload }  ->  wire JSON Result
 *   GET  /api/events             Server-Sent Events, each `data:` a wire JSON { channel, payload }
 *   GET  /*                      the built renderer (out/renderer)
 *
 * `npm run web -- --port N [--data DIR]`. Listens on 127.0.0.1 only and prints its URL
 * with a token made at start (`/?token=...`); every /api/ request must carry that token
 * (guards.ts), so another local process cannot read or change the person's data. Bodies
 * have a limit per channel, and requests in flight and event streams have a bound.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { fail } from '../shared/ipc/contract';
import {
  bodyLimitFor,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_MAX_EVENT_STREAMS,
  formatBytes,
  hasToken,
  newToken,
  Slots,
  TOKEN_PARAMETER,
} from './guards';
import { fromWire, toWire } from '../shared/ipc/wire';
import { EngineHost } from '../backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../backend/engine/node-spawn';
import { appLocations } from '../backend/paths';
import type { Backend } from '../backend/services/backend';
import { createBackend } from '../backend/services/backend';

const repositoryRoot = resolve(import.meta.dirname, '..', '..');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface WebServerOptions {
  port: number;
  /** The user-data folder (models, store); default a fresh temporary one, removed on close. */
  dataDir?: string;
  /** The built renderer; default out/renderer. */
  rendererDir?: string;
  resourcesDir?: string;
  mnistDir?: string;
  log?: (line: string) => void;
  /** Bounds on invoke requests in flight and on open event streams (guards.ts's defaults). */
  maxConcurrentRequests?: number;
  maxEventStreams?: number;
}

export interface WebServer {
  /** The page's address, token included: what the server prints and a person opens. */
  url: string;
  /** The origin alone, `http://127.0.0.1:<port>`. */
  origin: string;
  /** Required on every /api/ request (header x-tegaki-token, or ?token= for the event stream). */
  token: string;
  backend: Backend;
  close(): Promise<void>;
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const log = options.log ?? ((line: string) => console.error(line));
  const locations = appLocations(repositoryRoot);
  const mnistDir = options.mnistDir ?? process.env.TEGAKI_MNIST_DIR ?? locations.mnistDir;
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tegaki-web-')));
  const rendererDir = resolve(options.rendererDir ?? join(repositoryRoot, 'out', 'renderer'));

  const engineHost = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, env: { TEGAKI_MNIST_DIR: mnistDir }, log });
  const backend = createBackend({ userDataDir: dataDir, resourcesDir: options.resourcesDir ?? locations.resourcesDir, engineHost, mnistDir, log });

  const token = newToken();
  const requestSlots = new Slots(options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS);
  const streamSlots = new Slots(options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS);
  const streams = new Set<ServerResponse>();
  backend.onEvent((channel, payload) => {
    const frame = `data: ${toWire({ channel, payload })}\n\n`;
    for (const stream of streams) stream.write(frame);
  });

  let port = options.port;
  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      log(`[web] ${request.method} ${request.url} failed: ${String(error)}`);
      if (!response.headersSent) send(response, 500, 'text/plain', 'internal error');
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // DNS rebinding: only a loopback Host may talk to us.
    const host = request.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return send(response, 403, 'text/plain', 'forbidden host');
    const url = new URL(request.url ?? '/', `http://${host}`);

    if (url.pathname.startsWith('/api/')) {
      // Any local process can reach a loopback port; only the holder of this start's token may use the API.
      if (!hasToken(request, url, token)) return refuse(request, response, 403, 'forbidden: missing or wrong token');
      // Another site's page may POST here; a JSON content type forces a CORS preflight we never answer.
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== `http://${host}`) return refuse(request, response, 403, 'forbidden origin');
    }

    if (url.pathname.startsWith('/api/invoke/') && request.method === 'POST') {
      if (!request.headers['content-type']?.startsWith('application/json')) return refuse(request, response, 415, 'JSON only');
      let channel: string;
      try {
        channel = decodeURIComponent(url.pathname.slice('/api/invoke/'.length));
      } catch {
        return refuse(request, response, 400, 'malformed channel');
      }
      const limit = bodyLimitFor(channel);
      const tooLarge = `${channel}: the request is larger than ${formatBytes(limit)}, the limit for this channel`;
      if (Number(request.headers['content-length'] ?? 0) > limit) return refuse(request, response, 413, tooLarge);
      const release = requestSlots.take();
      if (!release) return refuse(request, response, 503, `busy: at most ${requestSlots.limit} requests at once; try again`, { 'retry-after': '1' });
      response.once('close', release);
      let payload: unknown;
      try {
        const text = await readBody(request, limit);
        if (text === undefined) return refuse(request, response, 413, tooLarge);
        const body = fromWire(text) as { payload?: unknown } | null;
        payload = body?.payload;
      } catch (error) {
        return send(response, 200, 'application/json', toWire(fail('invalid-payload', `the request is not JSON: ${String(error)}`)));
      }
      return send(response, 200, 'application/json', toWire(await backend.handle(channel, payload)));
    }

    if (url.pathname === '/api/events' && request.method === 'GET') {
      const release = streamSlots.take();
      if (!release) return refuse(request, response, 503, `busy: at most ${streamSlots.limit} event streams at once`, { 'retry-after': '5' });
      response.writeHead(200, { ...commonHeaders, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      response.write(': connected\n\n');
      streams.add(response);
      request.on('close', () => {
        streams.delete(response);
        release();
      });
      return;
    }

    if (url.pathname.startsWith('/api/')) return send(response, 404, 'text/plain', 'no such API');

    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'method not allowed');
    return serveStatic(url.pathname, response);
  }

  async function serveStatic(pathname: string, response: ServerResponse): Promise<void> {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    let file = resolve(rendererDir, relative || 'index.html');
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return send(response, 403, 'text/plain', 'forbidden');
    if (file === rendererDir || (await stat(file).catch(() => undefined))?.isDirectory()) file = join(file, 'index.html');
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      if (!existsSync(join(rendererDir, 'index.html'))) {
        return send(response, 503, 'text/plain', `The renderer is not built: run "npx electron-vite build" first (looked in ${rendererDir}).`);
      }
      return send(response, 404, 'text/plain', 'not found');
    }
    send(response, 200, contentTypes[extname(file)] ?? 'application/octet-stream', content);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/?${TOKEN_PARAMETER}=${token}`;
  if (!existsSync(join(rendererDir, 'index.html'))) log(`[web] warning: no built renderer in ${rendererDir}; run "npx electron-vite build"`);

  return {
    url,
    origin,
    token,
    backend,
    async close() {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await backend.dispose();
      if (temporary) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** On every response: no page of another origin may frame ours (frame-ancestors cannot go in a <meta> CSP). */
const commonHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...commonHeaders, ...headers, 'content-type': type });
  response.end(body);
}

/** How much of a refused request's body is read and dropped before the connection is cut. */
const REFUSED_BODY_DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * A refused request: whatever body the client is still sending is read and dropped
 * (never kept, at most REFUSED_BODY_DRAIN_BYTES), then the answer goes out and the
 * connection closes. Answering first and closing while the client still uploads makes
 * its write fail (EPIPE) before it reads the answer, depending on timing. A client that
 * sends far more than that gets the answer at once, and its connection closes after it.
 */
function refuse(request: IncomingMessage, response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const answer = (): void => {
    if (!response.headersSent) send(response, status, 'text/plain; charset=utf-8', message, { ...headers, connection: 'close' });
  };
  if (request.readableEnded) return answer();
  let drained = 0;
  const drain = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained <= REFUSED_BODY_DRAIN_BYTES) return;
    request.off('data', drain);
    answer();
  };
  request.on('data', drain);
  request.once('end', answer);
  request.resume();
}

/** The body as text, or undefined as soon as it passes `limit` bytes (the rest is read and dropped). */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData);
      chunks.length = 0;
      resolveBody(undefined);
    };
    request.on('data', onData);
    request.on('end', () => resolveBody(size <= limit ? Buffer.concat(chunks).toString('utf8') : undefined));
    request.on('error', reject);
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port is an integer in 0..65535 (0 picks a free one)');
  return port;
}

async function main(): Promise<void> {
  const program = new Command('tegaki-web')
    .description('Serve the Tegaki renderer on 127.0.0.1, wired to the real services')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 5183)
    .option('--data <dir>', 'user-data folder for models and settings (default: a fresh temporary folder)')
    .option('--renderer <dir>', 'built renderer to serve (default: out/renderer)')
    .parse();
  const flags = program.opts<{ port: number; data?: string; renderer?: string }>();
  const server = await startWebServer({ port: flags.port, dataDir: flags.data && resolve(flags.data), rendererDir: flags.renderer });
  process.stdout.write(`Tegaki is running at ${server.url}\n`);
  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
