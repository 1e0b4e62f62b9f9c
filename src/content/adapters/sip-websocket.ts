/**
 * SIP over WebSocket (RFC 7118): SIP.js, JsSIP and other browser SIP phones on a PBX.
 * Frames come from the page hook; parsing and dialog tracking are the pure core's.
 * Frames are processed strictly in arrival order, also when a Blob must be read first; string
 * frames (what SIP.js and JsSIP get) without a promise each.
 */
import type { SoftphoneAdapter } from './adapter';
import { SIP_OBSERVABILITY } from '../../core/call-event';
import { frameCannotChangeCall } from '../../core/sip/parse';
import { createTrackerState, SIP_SOURCE, trackSipFrame } from '../../core/sip/dialog-tracker';
import type { PageSignal } from '../../core/page-signal';

const decoder = new TextDecoder('utf-8', { fatal: false });

type FrameSignal = Extract<PageSignal, { t: 'ws-frame' }>;

/**
 * Feeds frames to `process` strictly in arrival order. A string or ArrayBuffer frame is handled
 * at once, in the port's message task (no promise per frame: this runs on the page's thread for
 * every frame); only a Blob must be read first, and while one is read the frames after it wait
 * behind it, whatever their type.
 */
export function createFrameQueue(process: (text: string, frame: FrameSignal) => void, signal: AbortSignal): (frame: FrameSignal) => void {
  const waiting: FrameSignal[] = [];
  let reading = false;
  const handle = (frame: FrameSignal, text: string) => {
    try {
      process(text, frame);
    } catch (error) {
      // A bad frame must not stop the ones after it.
      console.debug('[Second Ring] SIP frame skipped:', error);
    }
  };
  const drain = async () => {
    reading = true;
    while (waiting.length > 0 && !signal.aborted) {
      const frame = waiting.shift() as FrameSignal;
      const { data } = frame;
      let text: string;
      try {
        text = typeof data === 'string' ? data : decoder.decode(data instanceof ArrayBuffer ? data : await data.arrayBuffer());
      } catch (error) {
        console.debug('[Second Ring] SIP frame skipped:', error);
        continue;
      }
      if (!signal.aborted) handle(frame, text);
    }
    reading = false;
  };
  return (frame) => {
    const { data } = frame;
    if (!reading && typeof data === 'string') handle(frame, data);
    else if (!reading && data instanceof ArrayBuffer) handle(frame, decoder.decode(data));
    else {
      waiting.push(frame);
      if (!reading) void drain();
    }
  };
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
    const stats = { frames: 0, invalid: 0 };
    const push = createFrameQueue((text, s) => {
      stats.frames++;
      // REGISTER, OPTIONS, 100 Trying, keep-alives and the like cannot change a call: no parse.
      if (frameCannotChangeCall(text)) return;
      const result = trackSipFrame(tracker, text, s.dir, s.at, SIP_SOURCE);
      stats.invalid += result.invalid;
      tracker = result.state;
      for (const event of result.events) emit(event);
    }, signal);
    page.subscribe((s) => {
      if (s.t === 'ws-frame') push(s);
    }, signal);
  },
};

/*
 * Test pages: test/sip-lab/phones/jssip-phone.html and sipjs-phone.html, served by the e2e
 * tests against a real Kamailio (test/e2e/sip-lab).
 */
