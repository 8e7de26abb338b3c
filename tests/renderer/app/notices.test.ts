import { describe, expect, it } from 'vitest';
import { INFO_NOTICE_MS, NoticeStore } from '../../../src/renderer/src/app/notices';

describe('NoticeStore', () => {
  it('lets confirmations go by themselves; warnings and errors stay until dismissed', () => {
    const timers: { callback: () => void; ms: number }[] = [];
    const store = new NoticeStore((callback, ms) => timers.push({ callback, ms }));
    store.push('info', 'Saved as a 4');
    store.push('warning', 'The model could not be read');
    store.push('error', 'The engine stopped');
    expect(timers.map((t) => t.ms)).toEqual([INFO_NOTICE_MS]);
    timers[0].callback();
    expect(store.getSnapshot().map((n) => n.level)).toEqual(['warning', 'error']);
  });

  it('keeps the newest five, and dismisses by id', () => {
    const store = new NoticeStore(() => undefined);
    for (let i = 1; i <= 7; i++) store.push('warning', `w${i}`);
    expect(store.getSnapshot().map((n) => n.message)).toEqual(['w3', 'w4', 'w5', 'w6', 'w7']);
    store.dismiss(store.getSnapshot()[0].id);
    expect(store.getSnapshot()).toHaveLength(4);
  });
});
