/**
 * A simulated agent's shift over a real "sip" WebSocket, driven from Node: the server plays
 * the PBX side (frames the agent's page receives) on the "sip" socket and tells the page what
 * to send on it (the agent's frames) over a second, non-SIP control socket that the page hook
 * never watches. Lock-step, so the page's socket carries every call's frames in dialog order,
 * as a softphone's would: a frame the page sends is sent only after it received everything
 * before it, and the server pushes the next frame only after the page's frames arrived.
 * The page keeps no frames: its heap stays flat unless something else keeps them.
 */
import type { Page } from 'playwright-core';
import type { BenchServer } from './bench-server';
import { callFrames, type TrafficFrame } from './sip-traffic';
import type { WsConnection } from './ws-server';

export class ShiftSession {
  private sip: WsConnection | undefined;
  private ctl: WsConnection | undefined;
  private toPage = 0;
  private fromPage = 0;
  private readonly expected: string[] = [];
  private wake: (() => void) | undefined;
  private attached: (() => void) | undefined;
  /** Frames from the page that were not the expected text (must stay 0). */
  mismatches = 0;
  frames = 0;

  attachSip(ws: WsConnection): void {
    this.sip = ws;
    ws.onMessage((data) => {
      if (data !== this.expected.shift()) this.mismatches++;
      this.fromPage++;
      this.wake?.();
    });
    this.checkAttached();
  }

  attachControl(ws: WsConnection): void {
    this.ctl = ws;
    this.checkAttached();
  }

  private checkAttached(): void {
    if (this.sip && this.ctl) this.attached?.();
  }

  ready(): Promise<void> {
    if (this.sip && this.ctl) return Promise.resolve();
    return new Promise((resolve) => (this.attached = resolve));
  }

  private async pageCaughtUp(): Promise<void> {
    // `expected` holds what the page was told to send and has not sent yet.
    while (this.expected.length > 0) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Plays calls [from, to) and resolves when the page has sent its last frame. */
  async run(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) await this.play(callFrames(i));
  }

  /** Plays some frames (a call in parts: its ringing, then the rest) and resolves when the page has sent its last one. */
  async play(frames: readonly TrafficFrame[]): Promise<void> {
    const sip = this.sip;
    const ctl = this.ctl;
    if (!sip || !ctl) throw new Error('shift session not connected');
    for (const frame of frames) {
      this.frames++;
      if (frame.dir === 'received') {
        await this.pageCaughtUp();
        sip.sendText(frame.text);
        this.toPage++;
      } else {
        this.expected.push(frame.text);
        ctl.sendText(JSON.stringify({ after: this.toPage, text: frame.text }));
      }
    }
    await this.pageCaughtUp();
  }
}

/** Routes /ws/shift?session=… (the "sip" socket) and /ws/control?session=… to their sessions. */
export function shiftSessions(server: BenchServer): (id: string) => ShiftSession {
  const sessions = new Map<string, ShiftSession>();
  const get = (id: string): ShiftSession => {
    let s = sessions.get(id);
    if (!s) {
      s = new ShiftSession();
      sessions.set(id, s);
    }
    return s;
  };
  server.onSocket('shift', (ws) => get(ws.query.get('session') ?? '').attachSip(ws));
  server.onSocket('control', (ws) => get(ws.query.get('session') ?? '').attachControl(ws));
  return get;
}

/**
 * The page side of a shift, in `page`: a "sip" socket that sends what the control socket says
 * once everything before it arrived, and keeps nothing. Resolves when the server has both sockets.
 */
export async function openShiftPage(page: Page, server: BenchServer, session: ShiftSession, id: string): Promise<void> {
  await page.evaluate(
    async ({ sipUrl, ctlUrl }) => {
      const sip = new WebSocket(sipUrl, 'sip');
      const ctl = new WebSocket(ctlUrl);
      let received = 0;
      const pending: { after: number; text: string }[] = [];
      const drain = () => {
        while (pending.length > 0 && pending[0]!.after <= received) sip.send(pending.shift()!.text);
      };
      sip.onmessage = () => {
        received++;
        drain();
      };
      ctl.onmessage = (event: MessageEvent) => {
        pending.push(JSON.parse(event.data as string) as { after: number; text: string });
        drain();
      };
      await Promise.all(
        [sip, ctl].map((ws) => new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = () => reject(new Error('socket error')))))),
      );
      (window as unknown as { __shift: unknown }).__shift = { sip, ctl };
    },
    { sipUrl: `${server.wsOrigin}/ws/shift?session=${id}`, ctlUrl: `${server.wsOrigin}/ws/control?session=${id}` },
  );
  await session.ready();
}
