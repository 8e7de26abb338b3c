import { describe, expect, it } from 'vitest';
import { createLatestRunner } from '../../../src/renderer/src/prediction/latest-runner';

/** A manual clock and timers, so the test decides when time passes. */
function fakeTime() {
  let now = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 1;
  return {
    now: () => now,
    setTimer: (callback: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimer: (handle: unknown) => void timers.delete(handle as number),
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(id);
          timer.callback();
        }
      }
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A runner (16 ms apart, on a fake clock) whose runs each last until the test calls the next `release`. */
function heldRunner() {
  const time = fakeTime();
  const ran: number[] = [];
  const release: (() => void)[] = [];
  const runner = createLatestRunner<number>(
    (value) => {
      ran.push(value);
      return new Promise<void>((resolve) => release.push(resolve));
    },
    { minIntervalMs: 16, ...time },
  );
  return { time, ran, release, runner };
}

describe('LatestRunner: the newest value only, never the last one dropped', () => {
  it('runs the first value at once and only the newest of those pushed meanwhile', async () => {
    const { time, ran, release, runner } = heldRunner();
    runner.push(1);
    runner.push(2);
    runner.push(3);
    expect(ran).toEqual([1]);
    time.advance(20);
    release.shift()!();
    await flush();
    expect(ran).toEqual([1, 3]);
    release.shift()!();
    await runner.idle();
    expect(ran).toEqual([1, 3]);
  });

  it('keeps runs at least minIntervalMs apart, then runs the final value', async () => {
    const time = fakeTime();
    const ran: number[] = [];
    const runner = createLatestRunner<number>(async (value) => void ran.push(value), { minIntervalMs: 16, ...time });
    runner.push(1);
    await flush();
    runner.push(2);
    await flush();
    expect(ran).toEqual([1]);
    time.advance(10);
    expect(ran).toEqual([1]);
    time.advance(6);
    await flush();
    expect(ran).toEqual([1, 2]);
  });

  it('cancelPending forgets what has not started; a failing task does not stop the runner', async () => {
    const time = fakeTime();
    const ran: number[] = [];
    const runner = createLatestRunner<number>(
      async (value) => {
        ran.push(value);
        if (value === 1) throw new Error('engine said no');
      },
      { minIntervalMs: 16, ...time },
    );
    runner.push(1);
    await flush();
    runner.push(2);
    runner.cancelPending();
    time.advance(50);
    await flush();
    expect(ran).toEqual([1]);
    runner.push(3);
    await runner.idle();
    expect(ran).toEqual([1, 3]);
  });

  it('a value pushed to overtake starts at once beside the run in flight, at most one of them', async () => {
    const { time, ran, release, runner } = heldRunner();
    runner.push(1);
    runner.push(2);
    runner.push(3, { overtake: true });
    expect(ran).toEqual([1, 3]);
    // A third run would not overtake: it waits for both, as usual.
    runner.push(4, { overtake: true });
    expect(ran).toEqual([1, 3]);
    release.shift()!();
    await flush();
    expect(ran).toEqual([1, 3]);
    release.shift()!();
    await flush();
    time.advance(20);
    expect(ran).toEqual([1, 3, 4]);
    let idle = false;
    void runner.idle().then(() => (idle = true));
    await flush();
    expect(idle).toBe(false);
    release.shift()!();
    await flush();
    expect(idle).toBe(true);
  });
});
