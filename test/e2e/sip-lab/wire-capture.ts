/**
 * Wire capture of a page's WebSocket traffic through a CDP session (Network domain), and
 * helpers to read SIP out of it. SIP over WebSocket (RFC 7118) puts exactly one SIP message
 * in each text frame, so a frame's first line is the SIP start line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';

export interface WsFrame {
  direction: 'sent' | 'received';
  /** Text payload (opcode 1); base64 for binary frames. */
  payload: string;
  opcode: number;
  /** Date.now() when the frame event reached the test (ms). */
  at: number;
  /** CDP requestId of the WebSocket (one per connection). */
  requestId: string;
  /** ws:// URL of the connection, when its creation was seen. */
  url?: string;
}

export interface WsCapture {
  /** All frames so far, in order (live array). */
  readonly frames: WsFrame[];
  /**
   * Round trip on the capture's CDP session: every frame the page has already seen (JS-visible)
   * has then been delivered here too. Frame events and page.evaluate results travel on different
   * CDP sessions, so without this a frame can show up just after the test moved on.
   */
  sync(): Promise<void>;
  /** sync(), then the index to pass to since() (frames.length). */
  mark(): Promise<number>;
  /** Frames captured after a mark(). */
  since(mark: number): WsFrame[];
  /** Forget everything captured so far. */
  clear(): void;
  /** Wait until a SIP message matching `predicate` is captured after `since` (default 0). */
  waitForSip(predicate: (m: SipMessage) => boolean, timeoutMs?: number, since?: number): Promise<SipMessage>;
  /** Detach the CDP session. */
  stop(): Promise<void>;
}

/**
 * Starts capturing the page's WebSocket frames. Frames of sockets opened before the capture
 * started are captured too (their `url` is then unknown).
 */
export async function captureWebSocketFrames(page: Page): Promise<WsCapture> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const frames: WsFrame[] = [];
  const urls = new Map<string, string>();
  const listeners = new Set<() => void>();
  const push = (direction: WsFrame['direction'], requestId: string, response: { opcode: number; payloadData: string }) => {
    const frame: WsFrame = { direction, payload: response.payloadData, opcode: response.opcode, at: Date.now(), requestId };
    const url = urls.get(requestId);
    if (url !== undefined) frame.url = url;
    frames.push(frame);
    for (const l of listeners) l();
  };
  cdp.on('Network.webSocketCreated', (e) => urls.set(e.requestId, e.url));
  cdp.on('Network.webSocketFrameSent', (e) => push('sent', e.requestId, e.response));
  cdp.on('Network.webSocketFrameReceived', (e) => push('received', e.requestId, e.response));
  await cdp.send('Network.enable');
  let stopped = false;
  const sync = async (): Promise<void> => {
    if (!stopped) await cdp.send('Runtime.evaluate', { expression: '0' });
  };

  return {
    frames,
    sync,
    mark: async () => {
      await sync();
      return frames.length;
    },
    since: (mark) => frames.slice(mark),
    clear: () => { frames.length = 0; },
    waitForSip: (predicate, timeoutMs = 10_000, since = 0) =>
      new Promise<SipMessage>((resolve, reject) => {
        const check = (): boolean => {
          const hit = parseSipFrames(frames.slice(since)).find(predicate);
          if (hit) {
            listeners.delete(onFrame);
            clearTimeout(timer);
            resolve(hit);
            return true;
          }
          return false;
        };
        const onFrame = () => { check(); };
        const timer = setTimeout(() => {
          listeners.delete(onFrame);
          reject(new Error(`no matching SIP message within ${timeoutMs} ms; saw: ${sipStartLines(frames.slice(since), { direction: true, cseq: true }).join(', ')}`));
        }, timeoutMs);
        listeners.add(onFrame);
        check();
      }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await cdp.detach().catch(() => {});
    },
  };
}

export interface SipMessage {
  direction: WsFrame['direction'];
  at: number;
  kind: 'request' | 'response';
  /** First line, e.g. 'INVITE sip:agent@127.0.0.1 SIP/2.0' or 'SIP/2.0 180 Ringing'. */
  startLine: string;
  /** Request method (requests only). */
  method?: string;
  /** Status code (responses only). */
  status?: number;
  reason?: string;
  cseq: number;
  cseqMethod: string;
  callId: string;
  /** Header values by lower-case name (compact forms expanded), in order. */
  headers: Record<string, string[]>;
  body: string;
  raw: string;
}

const COMPACT: Record<string, string> = {
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from',
  s: 'subject', k: 'supported', t: 'to', v: 'via', r: 'refer-to', b: 'referred-by', o: 'event', u: 'allow-events',
};

/** Parses one SIP message (text of a WebSocket frame); null for keep-alives and non-SIP frames. */
export function parseSipMessage(raw: string, direction: WsFrame['direction'] = 'received', at = 0): SipMessage | null {
  const sep = raw.indexOf('\r\n\r\n');
  const head = sep >= 0 ? raw.slice(0, sep) : raw;
  const body = sep >= 0 ? raw.slice(sep + 4) : '';
  const lines = head.split(/\r?\n/);
  const startLine = (lines[0] ?? '').trim();
  const req = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(startLine);
  const res = /^SIP\/2\.0 (\d{3})\s*(.*)$/.exec(startLine);
  if (!req && !res) return null;
  const headers: Record<string, string[]> = {};
  let last: string | undefined;
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line) && last) {
      const vals = headers[last];
      if (vals && vals.length) vals[vals.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    let name = line.slice(0, i).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    (headers[name] ??= []).push(line.slice(i + 1).trim());
    last = name;
  }
  const cseqMatch = /^(\d+)\s+([A-Z]+)/.exec(headers.cseq?.[0] ?? '');
  const msg: SipMessage = {
    direction,
    at,
    kind: req ? 'request' : 'response',
    startLine,
    cseq: cseqMatch ? Number(cseqMatch[1]) : 0,
    cseqMethod: cseqMatch?.[2] ?? '',
    callId: headers['call-id']?.[0] ?? '',
    headers,
    body,
    raw,
  };
  if (req) msg.method = req[1];
  if (res) {
    msg.status = Number(res[1]);
    msg.reason = res[2] ?? '';
  }
  return msg;
}

/** A captured frame or a fixture frame ({ direction, payload, at }). */
export type FrameLike = Pick<WsFrame, 'direction' | 'payload' | 'at'> & { opcode?: number };

/** SIP messages in a capture (text frames only, keep-alives skipped). */
export function parseSipFrames(frames: readonly FrameLike[]): SipMessage[] {
  const out: SipMessage[] = [];
  for (const f of frames) {
    if (f.opcode !== undefined && f.opcode !== 1) continue;
    const m = parseSipMessage(f.payload, f.direction, f.at);
    if (m) out.push(m);
  }
  return out;
}

export interface StartLineOptions {
  /** Only frames in this direction. */
  only?: WsFrame['direction'];
  /** Only this dialog / transaction set. */
  callId?: string;
  /** Prefix '>' for sent and '<' for received: '> INVITE', '< 180'. */
  direction?: boolean;
  /** Add the CSeq method to responses: '200 INVITE', '200 BYE'. */
  cseq?: boolean;
  /** Drop these methods (and their responses), e.g. ['REGISTER', 'OPTIONS']. */
  ignore?: string[];
}

/**
 * The sequence of SIP methods / status codes in a capture, from start lines only:
 * ['REGISTER', '200', 'INVITE', '100', '180', '200', 'ACK', 'BYE', '200'].
 */
export function sipStartLines(frames: readonly FrameLike[], options: StartLineOptions = {}): string[] {
  return parseSipFrames(frames)
    .filter((m) => !options.only || m.direction === options.only)
    .filter((m) => !options.callId || m.callId === options.callId)
    .filter((m) => !options.ignore?.includes(m.method ?? m.cseqMethod))
    .map((m) => {
      const token = m.kind === 'request' ? (m.method ?? '') : options.cseq ? `${m.status} ${m.cseqMethod}` : String(m.status);
      return options.direction ? `${m.direction === 'sent' ? '>' : '<'} ${token}` : token;
    });
}

/** True when `expected` occurs in `actual` in order (gaps allowed). */
export function isSubsequence(actual: readonly string[], expected: readonly string[]): boolean {
  let i = 0;
  for (const token of actual) if (i < expected.length && token === expected[i]) i++;
  return i === expected.length;
}

/** Throws a readable error unless `expected` occurs in `actual` in order. */
export function assertSipSequence(actual: readonly string[], expected: readonly string[], label = 'SIP sequence'): void {
  if (isSubsequence(actual, expected)) return;
  let i = 0;
  for (const token of actual) if (i < expected.length && token === expected[i]) i++;
  throw new Error(
    `${label}: expected in order\n  ${expected.join(', ')}\nmissing from '${expected[i]}' on; actual:\n  ${actual.join(', ')}`,
  );
}

export interface CaptureFixtureFrame {
  direction: WsFrame['direction'];
  payload: string;
  /** ms since the first frame of the fixture. */
  at: number;
}

/** Frames → fixture form: SIP text frames only, `at` rebased to the first frame (0). */
export function toFixture(frames: readonly WsFrame[]): CaptureFixtureFrame[] {
  const sip = frames.filter((f) => f.opcode === 1 && parseSipMessage(f.payload) !== null);
  const t0 = sip[0]?.at ?? 0;
  return sip.map((f) => ({ direction: f.direction, payload: f.payload, at: f.at - t0 }));
}

/**
 * Writes a capture fixture as pretty JSON. By default an existing file is left alone (the
 * committed fixtures stay stable); set `overwrite` or env SIP_LAB_UPDATE_CAPTURES=1 to refresh.
 */
export function saveCaptureFixture(file: string, frames: readonly WsFrame[], options: { overwrite?: boolean } = {}): boolean {
  const overwrite = options.overwrite ?? process.env.SIP_LAB_UPDATE_CAPTURES === '1';
  if (!overwrite && fs.existsSync(file)) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(toFixture(frames), null, 2)}\n`);
  return true;
}
