/**
 * The practice softphone's own in-page API, like a vendor softphone's `postMessage` broadcast:
 * the phone dispatches a `CustomEvent` on `window` for every change of its state and *before*
 * it acts on a Hold, Transfer or Hang up click; the `practice` adapter (content/adapters/
 * practice.ts) is the only listener and turns these into `CallEvent`s. Nothing else of the
 * page talks to the coach.
 *
 * Kept tiny: the content script bundles this file on every softphone page.
 */

/** The practice page, as the extension serves it (the adapter runs there only). */
export const PRACTICE_PAGE_PATH = '/src/ui/practice/index.html';

/** The window event the practice phone dispatches; `detail` is a `PracticePhoneSignal`. */
export const PRACTICE_EVENT = 'second-ring:practice-phone';

export type PracticePhoneSignal = { callId: string; at: number } & (
  | { kind: 'incoming'; caller: { name: string; number: string } }
  | { kind: 'answered' }
  /** The agent clicked Hold; the phone holds the call a moment later. */
  | { kind: 'before-hold' }
  | { kind: 'held' }
  | { kind: 'resumed' }
  /** The agent clicked Transfer; the phone starts it a moment later. */
  | { kind: 'before-transfer' }
  | { kind: 'transfer-started'; target: string }
  | { kind: 'transfer-succeeded' }
  | { kind: 'transfer-failed' }
  /** The agent clicked Hang up; the phone ends the call a moment later. */
  | { kind: 'before-hangup' }
  | { kind: 'hung-up'; by: 'agent' | 'caller' }
  /** The caller gave up while it rang. */
  | { kind: 'abandoned' }
  /**
   * A line said on the call (`line`: an AgentLineId or CallerLineId), as speech recognition
   * would report it: what the coach takes as evidence. `name`: the caller's name, on lines that
   * carry it.
   */
  | { kind: 'said'; who: 'agent' | 'caller'; line: string; name?: string }
);

const KINDS = new Set([
  'incoming',
  'answered',
  'before-hold',
  'held',
  'resumed',
  'before-transfer',
  'transfer-started',
  'transfer-succeeded',
  'transfer-failed',
  'before-hangup',
  'hung-up',
  'abandoned',
  'said',
]);

const MAX_TEXT = 200;
const text = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;

/** Validate an event's `detail`; undefined when it is not a well-formed signal. */
export function readPracticeSignal(raw: unknown): PracticePhoneSignal | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Record<string, unknown>;
  if (typeof s.kind !== 'string' || !KINDS.has(s.kind)) return undefined;
  if (!text(s.callId) || s.callId === '' || typeof s.at !== 'number' || !Number.isFinite(s.at)) return undefined;
  if (s.kind === 'incoming') {
    const c = s.caller as Record<string, unknown> | null | undefined;
    if (typeof c !== 'object' || c === null || !text(c.name) || !text(c.number)) return undefined;
  }
  if (s.kind === 'transfer-started' && !text(s.target)) return undefined;
  if (s.kind === 'hung-up' && s.by !== 'agent' && s.by !== 'caller') return undefined;
  if (s.kind === 'said' && ((s.who !== 'agent' && s.who !== 'caller') || !text(s.line) || (s.name !== undefined && !text(s.name)))) return undefined;
  return raw as PracticePhoneSignal;
}
