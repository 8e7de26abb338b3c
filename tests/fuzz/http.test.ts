import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer } from '../../src/web/server';
import type { WebServer } from '../../src/web/server';
import { fromWire, toWire } from '../../src/shared/ipc/wire';
import { removeDirs, resourcesWithDefaultModel, tempDir } from '../backend/fixtures';
import { diskProblem, existing, fuzzRequest, lostProblem, resultProblem } from './ipc-requests';
import { fuzzParameters, inputsToTry, reportFigure, timeLimitFor } from './settings';

// The same requests through the browser mode's HTTP API, plus what only HTTP can carry:
// bodies that are not JSON, wrong content types, missing tokens, channels that do not
// decode, bodies past their channel's limit. The server answers every one, and the
// folder keeps agreeing with the lists.

const SEQUENCE_LENGTH = 25;
const requests = inputsToTry(250);
const dirs: string[] = [];
let server: WebServer;
let dataDir: string;
const tally = { requests: 0, json: 0, refusedByHttp: 0, crashes: 0, lost: 0 };

beforeAll(async () => {
  dataDir = await tempDir('fuzz-http');
  const resourcesDir = await resourcesWithDefaultModel();
  dirs.push(dataDir, resourcesDir);
  server = await startWebServer({ port: 0, dataDir, resourcesDir, log: () => undefined });
});

afterAll(async () => {
  await server?.close();
  await removeDirs(dirs);
});

type HttpMutation = 'none' | 'not-json' | 'wrong-type' | 'no-token' | 'bad-channel' | 'too-large' | 'no-payload';
const httpMutation = fc.oneof(
  { weight: 12, arbitrary: fc.constant<HttpMutation>('none') },
  { weight: 1, arbitrary: fc.constantFrom<HttpMutation>('not-json', 'wrong-type', 'no-token', 'bad-channel', 'too-large', 'no-payload') },
);

async function send(channel: string, payload: unknown, mutation: HttpMutation, garbage: string): Promise<{ status: number; text: string }> {
  const path = mutation === 'bad-channel' ? `/api/invoke/%E0%A4%A${garbage.length}` : `/api/invoke/${encodeURIComponent(channel)}`;
  let body = mutation === 'no-payload' ? '{}' : toWire({ payload });
  if (mutation === 'not-json') body = `${body.slice(0, body.length / 2)}${garbage}`;
  if (mutation === 'too-large') body = toWire({ payload: 'x'.repeat(65 * 1024 * 1024) });
  const response = await fetch(`${server.origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': mutation === 'wrong-type' ? 'text/plain' : 'application/json',
      ...(mutation === 'no-token' ? {} : { 'x-tegaki-token': server.token }),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('IPC requests through the browser mode (fuzzed)', () => {
  it(
    `${requests} HTTP requests: every answer a Result or a refusal by status, the folder agreeing with the lists, nothing valid lost`,
    async () => {
      const jobs: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fuzzRequest, httpMutation, fc.string({ maxLength: 20 })), { minLength: SEQUENCE_LENGTH, maxLength: SEQUENCE_LENGTH }),
          async (sequence) => {
            for (const [request, mutation, garbage] of sequence) {
              const before = await existing(server.backend, jobs);
              const payload = request.payload(before);
              tally.requests++;
              const { status, text } = await send(request.channel, payload, mutation, garbage);
              let ok = false;
              if (status === 200) {
                tally.json++;
                const result = fromWire(text) as { ok: boolean; value?: { jobId?: string } };
                const problem = resultProblem(request.channel, result);
                if (problem) tally.crashes++;
                expect(problem, request.channel).toBeUndefined();
                ok = result.ok && mutation !== 'no-payload' && mutation !== 'not-json';
                if (result.ok && request.channel === 'training:start' && result.value?.jobId) jobs.push(result.value.jobId);
              } else {
                // Refused before the backend: a client error with a reason, never a 500.
                tally.refusedByHttp++;
                if (status >= 500 && status !== 503) tally.crashes++;
                expect([400, 403, 413, 415, 503]).toContain(status);
              }
              expect(await diskProblem(server.backend, dataDir), request.channel).toBeUndefined();
              const lost = lostProblem(before, await existing(server.backend, jobs), { channel: request.channel, payload }, ok);
              if (lost) tally.lost++;
              expect(lost).toBeUndefined();
            }
          },
        ),
        fuzzParameters(Math.ceil(requests / SEQUENCE_LENGTH)),
      );
      await server.backend.handle('training:cancel', undefined);
      reportFigure(
        `HTTP: ${tally.requests} requests, ${tally.json} answered with a Result, ${tally.refusedByHttp} refused by status; ${tally.crashes} crashes, ${tally.lost} data lost`,
      );
    },
    timeLimitFor(requests, 300),
  );
});
