import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { torchRequest, torchSizes } from '../../bench/torch';
import type { TorchRequest } from '../../bench/torch-peer';
import { TORCH_MISSING, parseTorchOutput, runTorchPeer } from '../../bench/torch-peer';
import { modelSpecFor } from '../../src/engine/training/architecture';
import { preset } from '../../src/shared/presets';

const work = mkdtempSync(join(tmpdir(), 'tegaki-torch-peer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in for Python: a shell script that saves its arguments and runs `body`. */
function fakePython(name: string, body: string): string {
  const path = join(work, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s' "$2" > "${path}.request"\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const request: TorchRequest = torchRequest(torchSizes.smoke, 1, '/nowhere/mnist');

function answer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    torch: '1.13.0',
    threads: 1,
    parallelBackend: 'OpenMP',
    networks: request.networks.map((n) => ({ name: n.name, samplesPerSecond: [1000], losses: [2.3], steps: n.steps })),
    peakRssBytes: 400 * 2 ** 20,
    ...overrides,
  };
}

describe('the PyTorch peer', () => {
  it('accepts a well-formed answer for the networks, repetitions and threads asked for', () => {
    expect(parseTorchOutput(JSON.stringify(answer()), request).networks.map((n) => n.name)).toEqual([
      'mlp',
      'small-cnn',
      'cnn',
    ]);
  });

  it('refuses malformed output', () => {
    const refused = (stdout: string) => expect(() => parseTorchOutput(stdout, request)).toThrow(/torch_peer\.py/);
    refused('');
    refused('Traceback (most recent call last):');
    refused(JSON.stringify(answer({ peakRssBytes: -1 })));
    refused(JSON.stringify(answer({ extra: true })));
    refused(JSON.stringify(answer({ threads: 2 })));
    refused(JSON.stringify(answer({ networks: (answer().networks as unknown[]).slice(1) })));
    const notFinite = answer();
    (notFinite.networks as { samplesPerSecond: unknown }[])[0].samplesPerSecond = ['fast'];
    refused(JSON.stringify(notFinite));
    const twice = answer();
    (twice.networks as { samplesPerSecond: number[] }[])[0].samplesPerSecond = [1000, 1000];
    refused(JSON.stringify(twice));
    refused(JSON.stringify({ ...answer(), torch: 'x'.repeat(70_000) }));
  });

  it('passes Python the cnn preset’s layers exactly as Tegaki builds them', async () => {
    const python = fakePython('python-prints-nothing', 'exit 0');
    await expect(runTorchPeer(request, 10_000, python)).rejects.toThrow(/printed no JSON/);
    const passed = JSON.parse(readFileSync(`${python}.request`, 'utf8')) as TorchRequest;
    expect(passed).toEqual(request);
    expect(passed.networks.find((n) => n.name === 'cnn')?.spec).toEqual(modelSpecFor(preset('cnn')));
  });

  it('resolves with a checked answer from the peer', async () => {
    const python = fakePython('python-answers', `echo '${JSON.stringify(answer())}'`);
    const result = await runTorchPeer(request, 10_000, python);
    expect('missing' in result ? result.missing : result.torch).toBe('1.13.0');
  });

  it('says how to install PyTorch when the Python has no torch, or does not exist', async () => {
    const noTorch = fakePython(
      'python-without-torch',
      `echo "ModuleNotFoundError: No module named 'torch'" >&2\nexit 1`,
    );
    expect(await runTorchPeer(request, 10_000, noTorch)).toEqual({ missing: TORCH_MISSING });
    expect(TORCH_MISSING).toContain('apt-get install python3-torch');
    const absent = await runTorchPeer(request, 10_000, join(work, 'no-such-python'));
    expect('missing' in absent && absent.missing).toContain('apt-get install python3-torch');
  });

  const pathPythonLacksTorch = spawnSync('python3', ['-c', 'import torch']).status === 1;
  it.runIf(pathPythonLacksTorch)(
    'gives the hint when bench/torch_peer.py itself runs on a Python without torch',
    async () => {
      expect(await runTorchPeer(request, 30_000, 'python3')).toEqual({ missing: TORCH_MISSING });
    },
  );

  it('fails, rather than hints, when the peer crashes for another reason', async () => {
    const crashes = fakePython('python-crashes', `echo "ValueError: unknown layer" >&2\nexit 1`);
    await expect(runTorchPeer(request, 10_000, crashes)).rejects.toThrow(/unknown layer/);
  });
});
