/**
 * Storage failures as data: every store operation returns a `HistoryResult`, never throws, so the
 * background can show the agent what went wrong and coaching goes on (quality-bar.md, "Storage
 * failures … are shown to the user and coaching goes on").
 */

export type HistoryErrorKind =
  /** The browser's storage for the extension is full. */
  | 'quota'
  /** Another extension page holds an older version of the database open and did not let go. */
  | 'blocked'
  /** A record that does not have the shape it must (on write: refused; on read: skipped). */
  | 'corrupt'
  /** IndexedDB cannot be used: missing, disabled, failed, closed, or a newer schema than ours. */
  | 'unavailable';

export interface HistoryError {
  kind: HistoryErrorKind;
  /** A sentence for the UI, followed by the browser's own message when there is one. */
  message: string;
}

export type HistoryResult<T> = { ok: true; value: T } | { ok: false; error: HistoryError };

export const ok = <T>(value: T): HistoryResult<T> => ({ ok: true, value });
export const fail = <T = never>(kind: HistoryErrorKind, message: string): HistoryResult<T> => ({
  ok: false,
  error: { kind, message },
});

const EXPLANATION: Record<HistoryErrorKind, string> = {
  quota: 'The browser storage for Second Ring is full; new history could not be saved.',
  blocked: 'The call history is held open by an older Second Ring page; close other Second Ring tabs and popups.',
  corrupt: 'A history record is damaged.',
  unavailable: 'The call history cannot be opened in this browser right now.',
};

function nameOf(e: unknown): string {
  return typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : '';
}

function messageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'message' in e && typeof e.message === 'string') return e.message;
  return typeof e === 'string' ? e : '';
}

/** Classify anything IndexedDB (or idb) threw or rejected with. */
export function toHistoryError(e: unknown): HistoryError {
  const name = nameOf(e);
  let kind: HistoryErrorKind;
  let explanation: string;
  switch (name) {
    case 'QuotaExceededError':
      kind = 'quota';
      explanation = EXPLANATION.quota;
      break;
    case 'DataCloneError':
    case 'DataError':
      kind = 'corrupt';
      explanation = 'A record could not be stored: it is not plain data.';
      break;
    case 'VersionError':
      kind = 'unavailable';
      explanation = 'The call history was written by a newer version of Second Ring; update or reload the extension.';
      break;
    default:
      kind = 'unavailable';
      explanation = EXPLANATION.unavailable;
  }
  const detail = messageOf(e);
  return { kind, message: detail ? `${explanation} (${name || 'Error'}: ${detail})` : explanation };
}

export function explain(kind: HistoryErrorKind, detail?: string): HistoryError {
  return { kind, message: detail ? `${EXPLANATION[kind]} (${detail})` : EXPLANATION[kind] };
}
