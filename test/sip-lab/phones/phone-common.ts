/**
 * Shared part of the SIP-lab softphone pages: configuration from the query string, the call
 * registry, the event log, the visible status UI, and the `window.phone` control API that
 * end-to-end tests drive through `page.evaluate`. The library-specific pages (jssip-phone.ts,
 * sipjs-phone.ts) subclass `BasePhone` and implement the SIP operations with the real library.
 */

export type PhoneKind = 'jssip' | 'sipjs';

/**
 * Unified call status:
 * - 'calling'   outgoing INVITE created/sent, no provisional response (>100) yet
 * - 'ringing'   outgoing: 18x received; incoming: INVITE received, not answered yet
 * - 'answered'  2xx sent (incoming) or received (outgoing), ACK not seen yet
 * - 'confirmed' ACK sent/received: the call is up
 * - 'ended'     a confirmed call was terminated (BYE)
 * - 'failed'    the call never got up (CANCEL/487, 4xx/5xx/6xx, error)
 */
export type CallStatus = 'calling' | 'ringing' | 'answered' | 'confirmed' | 'ended' | 'failed';

export interface CallInfo {
  /** Lab id of the call: 'c1', 'c2', … (unique per page). */
  id: string;
  /** SIP Call-ID of the dialog (to correlate with wire captures). */
  sipCallId: string;
  direction: 'incoming' | 'outgoing';
  /** Remote party URI (sip:user@domain). */
  remote: string;
  status: CallStatus;
  /** Locally held (we sent a hold offer). */
  held: boolean;
  /** The remote side put us on hold. */
  remoteHeld: boolean;
  /** Created because a REFER asked us to call this target (blind transfer, transferee side). */
  referred: boolean;
  startedAt: number;
  endedAt?: number;
  /** Cause/status of the end, e.g. 'Canceled', 'Busy', 'BYE', '486'. */
  cause?: string;
}

export interface PhoneEvent {
  /** 'registered', 'incoming', 'outgoing', 'sending', 'progress', 'accepted', 'confirmed', 'ended', 'failed',
   *  'hold', 'unhold', 'reinvite', 'update', 'refer', 'refer-accepted', 'refer-rejected', 'refer-notify',
   *  'transfer-succeeded', 'transfer-failed', 'unregistered', 'registrationFailed', 'transport-connected',
   *  'transport-disconnected', 'error' */
  name: string;
  callId?: string;
  /** Free text: originator ('local'|'remote'), cause, sipfrag status… */
  detail?: string;
  at: number;
}

export interface HoldOptions {
  /** Use UPDATE instead of re-INVITE. JsSIP: supported. SIP.js 0.21: throws 'unsupported'. */
  useUpdate?: boolean;
}

export interface PhoneOptions {
  /** Answer incoming calls automatically after this many ms; null = never (default). */
  autoAnswerAfterMs: number | null;
  /** On an incoming REFER: accept it (202) and call the Refer-To target (default true). */
  followRefer: boolean;
  /** Transferor side: send BYE on the original call once the REFER NOTIFY reports 2xx (default true). */
  hangupAfterTransfer: boolean;
}

export interface PhoneConfig {
  kind: PhoneKind;
  wsUrl: string;
  user: string;
  domain: string;
  displayName: string;
  autoRegister: boolean;
  debug: boolean;
  options: PhoneOptions;
}

export interface MediaStats {
  iceConnectionState: string;
  connectionState: string;
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
}

/** The API on `window.phone`. Every call-scoped method acts on the most recent live call unless given a call id. */
export interface PhoneApi {
  readonly kind: PhoneKind;
  readonly user: string;
  readonly domain: string;
  readonly aor: string;
  readonly options: PhoneOptions;
  /** Event names in order, e.g. ['registered', 'incoming', 'progress', 'accepted', 'confirmed', …]. */
  readonly events: string[];
  /** Same events with call id, detail and time. */
  readonly eventLog: PhoneEvent[];
  /** Optional hook called for every new incoming call (after auto-answer is scheduled). */
  onIncomingCall: ((call: CallInfo) => void) | null;
  register(): Promise<void>;
  unregister(): Promise<void>;
  /** Starts a call; resolves with the lab call id once the INVITE is sent. */
  call(target: string): Promise<string>;
  answer(callId?: string): Promise<void>;
  reject(status?: 486 | 480 | 603, callId?: string): Promise<void>;
  /** Resolves once the hold offer (re-INVITE or UPDATE) got its 2xx. */
  hold(options?: HoldOptions, callId?: string): Promise<void>;
  unhold(options?: HoldOptions, callId?: string): Promise<void>;
  /** Blind transfer (REFER). Resolves on 202 Accepted; NOTIFY progress shows in events. */
  transfer(target: string, callId?: string): Promise<void>;
  /** BYE if answered, CANCEL if outgoing and not answered yet, 603 Decline if incoming and not answered yet. */
  hangup(callId?: string): Promise<void>;
  state(): { registered: boolean; calls: CallInfo[] };
  mediaStats(callId?: string): Promise<MediaStats | null>;
  clearEvents(): void;
}

export function readConfig(kind: PhoneKind, search = window.location.search): PhoneConfig {
  const q = new URLSearchParams(search);
  const bool = (name: string, dflt: boolean) => {
    const v = q.get(name);
    if (v === null || v === '') return dflt;
    return !['0', 'false', 'no', 'off'].includes(v.toLowerCase());
  };
  const wsUrl = q.get('ws');
  const user = q.get('user');
  if (!wsUrl || !user) throw new Error('phone page needs ?ws=ws://host:port&user=name[&domain=…]');
  const domain = q.get('domain') || new URL(wsUrl).hostname;
  // autoAnswer=1 (or autoAnswerAfterMs=N alone) turns auto-answer on; autoAnswer=0 turns it off.
  const delayParam = q.get('autoAnswerAfterMs');
  const delay = delayParam !== null && delayParam !== '' ? Number(delayParam) : null;
  const autoAnswer = bool('autoAnswer', delay !== null);
  return {
    kind,
    wsUrl,
    user,
    domain,
    displayName: q.get('displayName') || user,
    autoRegister: bool('autoRegister', false),
    debug: bool('debug', false),
    options: {
      autoAnswerAfterMs: autoAnswer ? (delay ?? 0) : null,
      followRefer: bool('followRefer', true),
      hangupAfterTransfer: bool('hangupAfterTransfer', true),
    },
  };
}

/** 'colleague' → 'sip:colleague@<domain>', 'bob@x' → 'sip:bob@x', 'sip:…' unchanged. */
export function targetUri(target: string, domain: string): string {
  if (/^sips?:/i.test(target)) return target;
  if (target.includes('@')) return `sip:${target}`;
  return `sip:${target}@${domain}`;
}

export function sdpIsHold(sdp: string | undefined): boolean {
  if (!sdp) return false;
  // Hold = every media section sendonly/inactive (or the session-level attribute says so).
  const sections = sdp.split(/\r?\nm=/).slice(1);
  const dirs = (sections.length ? sections : [sdp]).map((s) => /a=(sendonly|inactive)\b/.test(s));
  return dirs.length > 0 && dirs.every(Boolean);
}

export async function peerConnectionStats(pc: RTCPeerConnection | null | undefined): Promise<MediaStats | null> {
  if (!pc) return null;
  const out: MediaStats = {
    iceConnectionState: pc.iceConnectionState,
    connectionState: pc.connectionState,
    bytesSent: 0,
    bytesReceived: 0,
    packetsSent: 0,
    packetsReceived: 0,
  };
  const stats = await pc.getStats();
  stats.forEach((r: Record<string, unknown>) => {
    if (r.type === 'outbound-rtp' && r.kind === 'audio') {
      out.bytesSent += Number(r.bytesSent ?? 0);
      out.packetsSent += Number(r.packetsSent ?? 0);
    }
    if (r.type === 'inbound-rtp' && r.kind === 'audio') {
      out.bytesReceived += Number(r.bytesReceived ?? 0);
      out.packetsReceived += Number(r.packetsReceived ?? 0);
    }
  });
  return out;
}

/** Library-independent part of a softphone page. */
export abstract class BasePhone<S> implements PhoneApi {
  readonly kind: PhoneKind;
  readonly user: string;
  readonly domain: string;
  readonly aor: string;
  readonly options: PhoneOptions;
  readonly events: string[] = [];
  readonly eventLog: PhoneEvent[] = [];
  onIncomingCall: ((call: CallInfo) => void) | null = null;
  protected registered = false;
  protected readonly calls = new Map<string, { info: CallInfo; session: S }>();
  private seq = 0;
  private readonly ui: PhoneUi;

  constructor(protected readonly config: PhoneConfig) {
    this.kind = config.kind;
    this.user = config.user;
    this.domain = config.domain;
    this.aor = `sip:${config.user}@${config.domain}`;
    this.options = config.options;
    this.ui = new PhoneUi(this);
  }

  abstract register(): Promise<void>;
  abstract unregister(): Promise<void>;
  abstract call(target: string): Promise<string>;
  abstract answer(callId?: string): Promise<void>;
  abstract reject(status?: 486 | 480 | 603, callId?: string): Promise<void>;
  abstract hold(options?: HoldOptions, callId?: string): Promise<void>;
  abstract unhold(options?: HoldOptions, callId?: string): Promise<void>;
  abstract transfer(target: string, callId?: string): Promise<void>;
  abstract hangup(callId?: string): Promise<void>;
  abstract mediaStats(callId?: string): Promise<MediaStats | null>;

  state(): { registered: boolean; calls: CallInfo[] } {
    return { registered: this.registered, calls: [...this.calls.values()].map((c) => ({ ...c.info })) };
  }

  clearEvents(): void {
    this.events.length = 0;
    this.eventLog.length = 0;
    this.ui.render();
  }

  // ---- helpers for subclasses ----

  protected emit(name: string, callId?: string, detail?: string): void {
    const ev: PhoneEvent = { name, at: Date.now() };
    if (callId !== undefined) ev.callId = callId;
    if (detail !== undefined) ev.detail = detail;
    this.events.push(name);
    this.eventLog.push(ev);
    if (this.config.debug) console.log(`[phone ${this.user}] ${name}${callId ? ` ${callId}` : ''}${detail ? ` (${detail})` : ''}`);
    this.ui.render();
  }

  protected setRegistered(registered: boolean): void {
    this.registered = registered;
    this.ui.render();
  }

  protected addCall(session: S, info: Omit<CallInfo, 'id' | 'held' | 'remoteHeld' | 'startedAt'>): CallInfo {
    const full: CallInfo = { ...info, id: `c${++this.seq}`, held: false, remoteHeld: false, startedAt: Date.now() };
    this.calls.set(full.id, { info: full, session });
    this.ui.render();
    return full;
  }

  protected update(call: CallInfo, patch: Partial<CallInfo>): void {
    Object.assign(call, patch);
    if ((patch.status === 'ended' || patch.status === 'failed') && call.endedAt === undefined) call.endedAt = Date.now();
    this.ui.render();
  }

  /** The call a method acts on: the given id, else the most recent live call, else the most recent call. */
  protected pick(callId?: string): { info: CallInfo; session: S } {
    if (callId !== undefined) {
      const c = this.calls.get(callId);
      if (!c) throw new Error(`no call ${callId}`);
      return c;
    }
    const all = [...this.calls.values()];
    const live = all.filter((c) => c.info.status !== 'ended' && c.info.status !== 'failed');
    const c = live[live.length - 1] ?? all[all.length - 1];
    if (!c) throw new Error('no call');
    return c;
  }

  protected target(target: string): string {
    return targetUri(target, this.domain);
  }

  /** Called by subclasses for every new incoming call. */
  protected incoming(call: CallInfo): void {
    const delay = this.options.autoAnswerAfterMs;
    if (delay !== null && delay >= 0) {
      setTimeout(() => {
        if (call.status === 'ringing') {
          this.answer(call.id).catch((e: unknown) => this.emit('error', call.id, `auto-answer: ${String(e)}`));
        }
      }, delay);
    }
    try {
      this.onIncomingCall?.({ ...call });
    } catch (e) {
      this.emit('error', call.id, `onIncomingCall: ${String(e)}`);
    }
  }
}

/** Minimal visible UI: who am I, registration, calls, last events. */
class PhoneUi {
  private scheduled = false;
  constructor(private readonly phone: BasePhone<unknown>) {}

  render(): void {
    if (this.scheduled || typeof document === 'undefined') return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  private draw(): void {
    const root = document.getElementById('phone');
    if (!root) return;
    const s = this.phone.state();
    const el = (id: string) => root.querySelector<HTMLElement>(`[data-id="${id}"]`);
    const who = el('who');
    if (who) who.textContent = `${this.phone.kind} softphone — ${this.phone.aor}`;
    const reg = el('registration');
    if (reg) {
      reg.textContent = s.registered ? 'Registered' : 'Not registered';
      reg.dataset.registered = String(s.registered);
    }
    const status = el('status');
    const live = s.calls.filter((c) => c.status !== 'ended' && c.status !== 'failed');
    const current = live[live.length - 1];
    if (status) {
      status.textContent = current
        ? `${current.direction === 'incoming' ? 'Call from' : 'Call to'} ${current.remote}: ${current.status}${current.held ? ' (on hold)' : ''}${current.remoteHeld ? ' (held by remote)' : ''}`
        : 'Idle';
      status.dataset.status = current?.status ?? 'idle';
    }
    const list = el('calls');
    if (list) {
      list.replaceChildren(
        ...s.calls.map((c) => {
          const li = document.createElement('li');
          li.dataset.callId = c.id;
          li.dataset.status = c.status;
          li.textContent = `${c.id} ${c.direction} ${c.remote} — ${c.status}${c.held ? ' · held' : ''}${c.remoteHeld ? ' · remote hold' : ''}${c.cause ? ` · ${c.cause}` : ''}`;
          return li;
        }),
      );
    }
    const log = el('events');
    if (log) log.textContent = this.phone.eventLog.slice(-12).map((e) => `${e.name}${e.callId ? ` ${e.callId}` : ''}${e.detail ? ` (${e.detail})` : ''}`).join('\n');
  }
}

/** Install `window.phone`, surface fatal errors in the page, optionally auto-register. */
export function installPhone(phone: BasePhone<unknown>, config: PhoneConfig): void {
  (window as unknown as { phone: PhoneApi }).phone = phone;
  document.title = `${config.user} · ${config.kind} phone`;
  document.body.dataset.ready = 'true';
  if (config.autoRegister) {
    phone.register().catch((e: unknown) => console.error('auto-register failed', e));
  }
}

export function showFatal(e: unknown): void {
  const status = document.querySelector<HTMLElement>('[data-id="status"]');
  if (status) status.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
  document.body.dataset.ready = 'error';
  console.error(e);
}

declare global {
  interface Window {
    phone: PhoneApi;
  }
}
