/**
 * The coach's call records (events, nudges, the agent's answers, flags), newest last, capped.
 * A stand-in for the IndexedDB history of the call-card issue: same records, smaller store.
 */
import { browser } from '../platform/browser';
import type { CallRecord } from '../core/coach/types';

export const CALL_LOG_KEY = 'recentCalls';
const MAX_RECORDS = 200;

export async function saveCallRecords(records: readonly CallRecord[]): Promise<void> {
  if (records.length === 0) return;
  const stored = (await browser.storage.local.get(CALL_LOG_KEY))[CALL_LOG_KEY];
  const log: CallRecord[] = Array.isArray(stored) ? (stored as CallRecord[]) : [];
  for (const record of records) {
    const at = log.findIndex((r) => r.callKey === record.callKey);
    if (at >= 0) log.splice(at, 1);
    log.push(record);
  }
  await browser.storage.local.set({ [CALL_LOG_KEY]: log.slice(-MAX_RECORDS) });
}
