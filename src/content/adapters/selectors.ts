/**
 * An in-house softphone that is neither SIP over WebSocket nor a supported platform, watched
 * through CSS selectors a team lead configured: its ringing indicator, and its answer, hold,
 * resume, transfer and hang-up controls. A click on Hold or Transfer is the `*-requested` event
 * that lets the permission nudge come as the agent reaches for it.
 *
 * DOM work is batched: the observer only marks the page dirty, and the ringing indicator is
 * looked up at most once per animation frame (quality bar: ≤ 2 ms per 1,000 mutations).
 */
import type { SoftphoneAdapter } from './adapter';
import type { CallEvent, Observability } from '../../core/call-event';
import type { SiteSelectors } from '../../core/coach/config';

type Control = 'answer' | 'hold' | 'resume' | 'transfer' | 'hangup';
const CONTROLS: readonly Control[] = ['answer', 'hold', 'resume', 'transfer', 'hangup'];

/** Valid selectors only: a typo must not throw on every mutation. */
function usable(selector: string | undefined): string | undefined {
  if (!selector) return undefined;
  try {
    document.createDocumentFragment().querySelector(selector);
    return selector;
  } catch {
    console.warn(`[Second Ring] ignoring invalid selector "${selector}"`);
    return undefined;
  }
}

/**
 * Clicks show intent (the agent reaching for Hold, Transfer, Hang up) and hold as the agent made
 * it; nothing shows whether a transfer worked or that the caller hung up.
 */
export const SELECTOR_OBSERVABILITY: Observability = {
  holdIntent: true,
  hold: true,
  transferIntent: true,
  transferOutcome: false,
  hangupIntent: true,
  endedBy: false,
};

const SELECTORS_META = {
  id: 'selectors',
  label: 'Selectors',
  world: 'dom',
  authority: 'inference',
  observes: SELECTOR_OBSERVABILITY,
  frames: 'all',
  siteChoice: 'selectors',
  needsSite: true,
  matches: () => true,
} as const satisfies Omit<SoftphoneAdapter, 'start'>;

/** The registry's entry: watches the selectors of the site this page belongs to. */
export const selectorsAdapter: SoftphoneAdapter = {
  ...SELECTORS_META,
  start(context) {
    if (context.site?.adapter === 'selectors' && context.site.selectors) createSelectorAdapter(context.site.selectors).start(context);
  },
};

export function createSelectorAdapter(selectors: SiteSelectors): SoftphoneAdapter {
  return {
    ...SELECTORS_META,
    start({ signal, emit }) {
      const ringing = usable(selectors.ringing);
      const controls = new Map<Control, string>();
      for (const control of CONTROLS) {
        const selector = usable(selectors[control]);
        if (selector) controls.set(control, selector);
      }
      let serial = 0;
      let call: { id: string; answered: boolean; held: boolean } | undefined;
      let wasRinging = false;
      const base = (at: number) => ({ callId: call?.id ?? '', at, source: 'selectors' });
      // On the events that start a call: without it the coach takes the call for a SIP one, which
      // observes a transfer's outcome, and reads every transfer ended by Hang up as one that failed.
      const starting = (at: number) => ({ ...base(at), observes: SELECTOR_OBSERVABILITY });
      const send = (event: CallEvent) => emit(event);

      const newCall = () => {
        serial += 1;
        call = { id: `selectors-${Date.now().toString(36)}-${serial}`, answered: false, held: false };
        return call;
      };

      const checkRinging = () => {
        if (!ringing) return;
        const isRinging = document.querySelector(ringing) !== null;
        if (isRinging === wasRinging) return;
        wasRinging = isRinging;
        const at = Date.now();
        if (isRinging) {
          newCall();
          send({ ...starting(at), type: 'ringing', direction: 'inbound' });
        } else if (call && !call.answered) {
          // The indicator went away without an answer click: the caller gave up or it rang out.
          send({ ...base(at), type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned' });
          call = undefined;
        }
      };

      let scheduled = false;
      const observer = new MutationObserver(() => {
        if (scheduled) return;
        scheduled = true;
        requestAnimationFrame(() => {
          scheduled = false;
          if (!signal.aborted) checkRinging();
        });
      });
      observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true });
      signal.addEventListener('abort', () => observer.disconnect());
      checkRinging();

      // Capture phase: we see the click even if the softphone stops its propagation.
      const onClick = (event: MouseEvent) => {
        if (!event.isTrusted || !(event.target instanceof Element)) return;
        const at = Date.now();
        for (const [control, selector] of controls) {
          if (!event.target.closest(selector)) continue;
          switch (control) {
            case 'answer':
              if (!call) {
                // A call whose ringing was not seen starts here.
                newCall().answered = true;
                send({ ...starting(at), type: 'answered', direction: 'inbound' });
              } else if (!call.answered) {
                call.answered = true;
                send({ ...base(at), type: 'answered', direction: 'inbound' });
              }
              break;
            case 'hold':
              if (call?.answered && !call.held) {
                call.held = true;
                send({ ...base(at), type: 'hold-requested' });
                send({ ...base(at), type: 'held', by: 'agent' });
              }
              break;
            case 'resume':
              if (call?.held) {
                call.held = false;
                send({ ...base(at), type: 'resumed', by: 'agent' });
              }
              break;
            case 'transfer':
              if (call?.answered) {
                send({ ...base(at), type: 'transfer-requested' });
                send({ ...base(at), type: 'transfer-started', by: 'agent' });
              }
              break;
            case 'hangup':
              if (call?.answered) {
                send({ ...base(at), type: 'hangup-requested' });
                send({ ...base(at), type: 'ended', by: 'agent' });
              } else if (call) {
                send({ ...base(at), type: 'missed', direction: 'inbound', by: 'agent', reason: 'rejected' });
              }
              call = undefined;
              break;
          }
          return;
        }
      };
      document.addEventListener('click', onClick, { capture: true, signal });
    },
  };
}

/*
 * Test page: test/e2e/fixtures/selector-phone.html (plain buttons and a ringing banner).
 */
