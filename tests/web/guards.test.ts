import { describe, expect, it } from 'vitest';
import { BODY_LIMITS, bodyLimitFor, DEFAULT_BODY_LIMIT, formatBytes } from '../../src/web/guards';
import { invokeContract } from '../../src/shared/ipc/contract';
import { toWire } from '../../src/shared/ipc/wire';

describe('the browser mode body limits', () => {
  it("lets the contract's largest model file through models:import as the bridge encodes it", () => {
    const request = { fileName: 'x'.repeat(255), bytes: new Uint8Array(64 * 1024 * 1024) };
    expect(invokeContract['models:import'].request.safeParse(request).success).toBe(true);
    expect(toWire({ payload: request }).length).toBeLessThanOrEqual(BODY_LIMITS['models:import']!);
  });

  it('gives every other channel the default, and names limits in binary units', () => {
    expect(bodyLimitFor('models:delete')).toBe(DEFAULT_BODY_LIMIT);
    expect(bodyLimitFor('no:such')).toBe(DEFAULT_BODY_LIMIT);
    expect(formatBytes(DEFAULT_BODY_LIMIT)).toBe('1 MiB');
    expect(formatBytes(88 * 1024 * 1024)).toBe('88 MiB');
    expect(formatBytes(512 * 1024)).toBe('512 KiB');
  });
});
