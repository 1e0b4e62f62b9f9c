import { describe, expect, it } from 'vitest';
import { realisticShift } from '../core/recorded-history';
import { freshStore, value } from './helpers';

describe('the size of the history', () => {
  it('measures 1,000 realistic call records (printed), and stores and reads them all back', async () => {
    // Ten 100-call days from the real coach: holds, check-backs, transfers, missed calls, checklists.
    const records = Array.from({ length: 10 }, (_, day) => realisticShift(Date.parse('2026-03-02T08:00:00+02:00') + day * 86_400_000, 100, day + 1)).flat();
    expect(records).toHaveLength(1000);
    const bytes = records.reduce((sum, r) => sum + new TextEncoder().encode(JSON.stringify(r)).length, 0);
    const perCall = bytes / records.length;
    console.log(
      `history size: 1,000 call records = ${(bytes / 1024).toFixed(1)} KiB of JSON (UTF-8), ${perCall.toFixed(0)} B per call on average; ` +
        `largest ${Math.max(...records.map((r) => JSON.stringify(r).length))} chars`,
    );
    // A sanity bound, not a performance assertion: 30 days × 200 calls stay far below storage quotas.
    expect(perCall).toBeLessThan(8 * 1024);

    const { store } = freshStore();
    expect(value(await store.upsertCalls(records))).toEqual({ written: 1000, rejected: 0 });
    const listed = value(await store.listCalls());
    expect(listed.items).toHaveLength(1000);
    expect(listed.skipped).toBe(0);
  });
});
