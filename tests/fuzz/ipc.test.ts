import { rm } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineHost } from '../../src/backend/engine/engine-host';
import { engineSourceEntry, nodeSpawn } from '../../src/backend/engine/node-spawn';
import { createBackend } from '../../src/backend/services/backend';
import type { Backend } from '../../src/backend/services/backend';
import { removeDirs, resourcesWithDefaultModel, tempDir } from '../backend/fixtures';
import { diskProblem, existing, fuzzRequest, lostProblem, resultProblem } from './ipc-requests';
import type { FuzzRequest } from './ipc-requests';
import { fuzzParameters, inputsToTry, reportFigure, timeLimitFor } from './settings';

// Sequences of IPC requests through backend.handle, exactly as the Electron shell and the
// browser mode call it, against real folders and a real engine process. Nothing is
// stubbed: engine jobs (training, evaluation) are drawn rarely and kept tiny, and the
// cheap channels make up the rest. After every call: the answer is a Result, the folder
// agrees with the lists, and nothing that was not deleted by a valid request is gone.

const SEQUENCE_LENGTH = 40;
const requests = inputsToTry(10_000);
const dirs: string[] = [];
let resources: string;
let engineHost: EngineHost;
const tally = { requests: 0, valid: 0, ok: 0, refused: 0, engineJobs: 0, crashes: 0, lost: 0, sequences: 0 };

beforeAll(async () => {
  resources = await resourcesWithDefaultModel();
  dirs.push(resources);
  engineHost = new EngineHost({ spawn: nodeSpawn, entryPath: engineSourceEntry, log: () => undefined });
});

afterAll(async () => {
  await engineHost.dispose();
  await removeDirs(dirs);
});

/** Runs one sequence on a fresh user-data folder and checks the invariants after every call. */
async function runSequence(sequence: FuzzRequest[]): Promise<void> {
  tally.sequences++;
  const userData = await tempDir('fuzz-ipc');
  const backend: Backend = createBackend({ userDataDir: userData, resourcesDir: resources, engineHost, log: () => undefined });
  const jobs = new Set<string>();
  const finished = new Set<string>();
  backend.onEvent((channel, payload) => {
    if (channel === 'training:done' || channel === 'training:error') finished.add((payload as { jobId: string }).jobId);
  });
  try {
    await backend.ready;
    for (const request of sequence) {
      const before = await existing(backend, [...jobs]);
      const payload = request.payload(before);
      tally.requests++;
      if (request.valid) tally.valid++;
      if (request.valid && (request.channel === 'training:start' || request.channel === 'evaluate')) tally.engineJobs++;
      let result: unknown;
      try {
        result = await backend.handle(request.channel, payload);
      } catch (error) {
        tally.crashes++;
        throw new Error(`${request.channel} threw instead of answering: ${String(error)}`, { cause: error });
      }
      const problem = resultProblem(request.channel, result);
      if (problem) tally.crashes++;
      expect(problem, request.channel).toBeUndefined();
      const ok = (result as { ok: boolean }).ok;
      if (ok) tally.ok++;
      else tally.refused++;
      if (ok && request.channel === 'training:start') jobs.add((result as { value: { jobId: string } }).value.jobId);
      expect(await diskProblem(backend, userData), request.channel).toBeUndefined();
      const lost = lostProblem(before, await existing(backend, [...jobs]), { channel: request.channel, payload }, ok);
      if (lost) tally.lost++;
      expect(lost).toBeUndefined();
    }
  } finally {
    // A job still running would keep the shared engine busy for the next sequence.
    await backend.handle('training:cancel', undefined);
    const deadline = Date.now() + 120_000;
    while ([...jobs].some((j) => !finished.has(j)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await rm(userData, { recursive: true, force: true });
  }
}

describe('IPC requests through the backend (fuzzed)', () => {
  it(
    `${requests} requests in sequences of ${SEQUENCE_LENGTH}: every answer a Result, the folder agreeing with the lists, nothing valid lost`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fuzzRequest, { minLength: SEQUENCE_LENGTH, maxLength: SEQUENCE_LENGTH }), runSequence),
        fuzzParameters(Math.ceil(requests / SEQUENCE_LENGTH)),
      );
      reportFigure(
        `IPC: ${tally.requests} requests (${tally.valid} built valid, ${tally.requests - tally.valid} mutated) in ${tally.sequences} sequences, ` +
          `${tally.ok} answered ok, ${tally.refused} refused with a contract code, ${tally.engineJobs} valid training or evaluation requests; ${tally.crashes} crashes, ${tally.lost} data lost`,
      );
    },
    timeLimitFor(requests, 60),
  );
});
