import { describe, expect, it } from 'vitest';
import { createSignalHistory } from '../../../src/page/signal-history';
import type { PageSignal } from '../../../src/core/page-signal';

const frame = (n: number, chars = 100): PageSignal => ({ t: 'ws-frame', socket: 1, dir: 'received', data: `${n}:`.padEnd(chars, 'x'), at: n });
const kept = (history: ReturnType<typeof createSignalHistory>) => {
  const at: number[] = [];
  history.forEach((s) => at.push(s.t === 'ws-frame' ? s.at : -1));
  return at;
};

describe('the page hook history', () => {
  it('keeps the newest signals up to its count, oldest first, and counts what it dropped', () => {
    const history = createSignalHistory(4, 1_000_000);
    for (let n = 0; n < 10; n++) history.push(frame(n), true);
    expect(kept(history)).toEqual([6, 7, 8, 9]);
    expect(history.dropped).toBe(6);
  });

  it('keeps within its text budget, never dropping the signal just added', () => {
    const history = createSignalHistory(256, 96 * 1024);
    for (let n = 0; n < 600; n++) history.push(frame(n, 4_000), true);
    // 96 kB of 4,000-character frames: the last 24.
    expect(kept(history)).toEqual(Array.from({ length: 24 }, (_, i) => 576 + i));
    const huge = createSignalHistory(8, 1_000);
    huge.push(frame(1, 5_000), true);
    expect(kept(huge)).toEqual([1]);
  });

  it('does not count evictions as drops once a content script receives the signals live', () => {
    const history = createSignalHistory(2, 1_000_000);
    for (let n = 0; n < 5; n++) history.push(frame(n), false);
    expect(history.dropped).toBe(0);
    expect(kept(history)).toEqual([3, 4]);
  });
});
