import { describe, expect, it } from 'vitest';
import type { TegakiApi } from '../../../src/shared/ipc/api';
import { createAppStores } from '../../../src/renderer/src/app/stores';

/** Every function answers "ok" with nothing in it, every subscription does nothing; predict is recorded. */
function fakeApi(predicted: unknown[]): TegakiApi {
  const stub = (path: string): unknown =>
    new Proxy(() => {}, {
      get: (_target, name) => (name === 'then' ? undefined : stub(`${path}.${String(name)}`)),
      apply: (_target, _this, args: unknown[]) => {
        if (/\.on[A-Z]/.test(path)) return () => {};
        if (path === '.predict') predicted.push(args[0]);
        if (path === '.machine') return Promise.resolve({ ok: true, value: { cores: 6, defaultThreads: 5, maxThreads: 64 } });
        return Promise.resolve({ ok: true, value: { probabilities: Array.from({ length: 10 }, () => 0.1) } });
      },
    });
  return stub('') as TegakiApi;
}

describe('createAppStores: the app state, built once from an api', () => {
  it('builds a fresh, wired set each time, so a test can have its own', async () => {
    const predicted: unknown[] = [];
    const stores = createAppStores(fakeApi(predicted));
    const others = createAppStores(fakeApi([]));
    expect(others.drawing).not.toBe(stores.drawing);
    expect(others.navigation).not.toBe(stores.navigation);

    // The prediction follows this set's drawing and asks this set's api.
    const stop = stores.prediction.start();
    stores.drawing.beginStroke([140, 40], 18);
    stores.drawing.extendStroke([140, 240]);
    stores.drawing.endStroke();
    await stores.prediction.idle();
    expect(predicted.length).toBeGreaterThan(0);
    expect(stores.prediction.getSnapshot().prediction).toBeDefined();
    expect(others.drawing.getSnapshot().strokes).toHaveLength(0);
    stop();
  });

  it("asks the api for the machine, and the Train form's Threads field starts at its cores minus one", async () => {
    const stores = createAppStores(fakeApi([]));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(stores.trainingForm.getSnapshot().form.threads).toBe('5');
    const read = stores.trainingForm.submit();
    expect(read.ok && read.request.threads).toBe(5);
  });
});
