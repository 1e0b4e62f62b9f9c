/**
 * The extension's own practice softphone (src/ui/practice). Browsers never inject content
 * scripts into an extension's pages, so that page loads the content-script code itself; this
 * adapter is the part that knows the phone. It listens to the phone's in-page API (a
 * `CustomEvent` per state change, and one before it acts on Hold, Transfer or Hang up: see
 * core/practice/channel.ts) and reports calls through the same contract as every adapter, so a
 * practice call is coached exactly like one on a real softphone.
 */
import type { SoftphoneAdapter } from './adapter';
import type { CallEvent } from '../../core/call-event';
import { PRACTICE_EVENT, PRACTICE_PAGE_PATH, readPracticeSignal, type PracticePhoneSignal } from '../../core/practice/channel';
import { PRACTICE_SOURCE, type Observability } from '../../core/call-event';

/** The practice phone tells the coach everything, intents included, like a platform's own API. */
const PRACTICE_OBSERVES: Observability = {
  holdIntent: true,
  hold: true,
  transferIntent: true,
  transferOutcome: true,
  hangupIntent: true,
  endedBy: true,
};

export const PRACTICE_ADAPTER_ID = PRACTICE_SOURCE;

/** The call events one signal of the practice phone stands for. */
export function practiceCallEvents(s: PracticePhoneSignal): CallEvent[] {
  const base = { callId: s.callId, at: s.at, source: PRACTICE_ADAPTER_ID };
  switch (s.kind) {
    case 'incoming':
      return [{ ...base, type: 'ringing', direction: 'inbound', remote: { displayName: s.caller.name, number: s.caller.number } }];
    case 'answered':
      return [{ ...base, type: 'answered', direction: 'inbound' }];
    case 'before-hold':
      return [{ ...base, type: 'hold-requested' }];
    case 'held':
      return [{ ...base, type: 'held', by: 'agent' }];
    case 'resumed':
      return [{ ...base, type: 'resumed', by: 'agent' }];
    case 'before-transfer':
      return [{ ...base, type: 'transfer-requested' }];
    case 'transfer-started':
      return [{ ...base, type: 'transfer-started', by: 'agent', target: s.target }];
    case 'transfer-succeeded':
      return [{ ...base, type: 'transfer-accepted', by: 'agent', completed: true }];
    case 'transfer-failed':
      return [{ ...base, type: 'transfer-failed', by: 'agent' }];
    case 'before-hangup':
      return [{ ...base, type: 'hangup-requested' }];
    case 'hung-up':
      return [{ ...base, type: 'ended', by: s.by === 'agent' ? 'agent' : 'remote' }];
    case 'abandoned':
      return [{ ...base, type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned' }];
  }
}

export const practiceAdapter: SoftphoneAdapter = {
  id: PRACTICE_ADAPTER_ID,
  label: 'Practice softphone',
  world: 'extension-page',
  authority: 'platform-api',
  observes: PRACTICE_OBSERVES,
  frames: 'top',
  // Only the extension's own practice page: a web page can never have an extension URL.
  matches: (location) =>
    (location.protocol === 'chrome-extension:' || location.protocol === 'moz-extension:') &&
    location.pathname === PRACTICE_PAGE_PATH,
  start({ signal, emit }) {
    window.addEventListener(
      PRACTICE_EVENT,
      (event) => {
        const s = readPracticeSignal((event as CustomEvent<unknown>).detail);
        if (s) for (const callEvent of practiceCallEvents(s)) emit(callEvent);
      },
      { signal },
    );
  },
};

/*
 * Test page: src/ui/practice/index.html in the built extension
 * (chrome-extension://<id>/src/ui/practice/index.html); test/e2e/practice.e2e.test.ts.
 */
