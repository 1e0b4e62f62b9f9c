/**
 * SIP over WebSocket (RFC 7118): SIP.js, JsSIP and other browser SIP phones on a PBX.
 * Frames come from the page hook; parsing and dialog tracking are the pure core's.
 * Frames are processed strictly in arrival order, also when a Blob must be read first.
 */
import type { SoftphoneAdapter } from './adapter';
import { SIP_OBSERVABILITY } from '../../core/call-event';
import { frameCannotChangeCall } from '../../core/sip/parse';
import { createTrackerState, SIP_SOURCE, trackSipFrame } from '../../core/sip/dialog-tracker';
import type { FrameData, PageSignal } from '../../core/page-signal';

const decoder = new TextDecoder('utf-8', { fatal: false });

async function frameText(data: FrameData): Promise<string> {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return decoder.decode(data);
  return decoder.decode(await data.arrayBuffer());
}

export const sipWebSocketAdapter: SoftphoneAdapter = {
  id: SIP_SOURCE,
  label: 'SIP over WebSocket',
  world: 'websocket-frames',
  authority: 'wire',
  // Its events carry no `observes`: absent means SIP_OBSERVABILITY (core/call-event.ts).
  observes: SIP_OBSERVABILITY,
  frames: 'all',
  siteChoice: 'sip-websocket',
  // Runs wherever the page hook runs; it stays idle until a socket offers the "sip" subprotocol.
  matches: () => true,
  start({ signal, emit, page }) {
    let tracker = createTrackerState();
    let queue: Promise<void> = Promise.resolve();
    const stats = { frames: 0, invalid: 0 };

    const process = async (s: Extract<PageSignal, { t: 'ws-frame' }>): Promise<void> => {
      const text = await frameText(s.data);
      if (signal.aborted) return;
      stats.frames++;
      // REGISTER, OPTIONS, 100 Trying, keep-alives and the like cannot change a call: no parse.
      if (frameCannotChangeCall(text)) return;
      const result = trackSipFrame(tracker, text, s.dir, s.at, SIP_SOURCE);
      stats.invalid += result.invalid;
      tracker = result.state;
      for (const event of result.events) emit(event);
    };

    page.subscribe((s) => {
      if (s.t !== 'ws-frame') return;
      queue = queue.then(() => process(s)).catch((error: unknown) => {
        // A bad frame must not stop the ones after it.
        console.debug('[Second Ring] SIP frame skipped:', error);
      });
    }, signal);
  },
};

/*
 * Test pages: test/sip-lab/phones/jssip-phone.html and sipjs-phone.html, served by the e2e
 * tests against a real Kamailio (test/e2e/sip-lab).
 */
