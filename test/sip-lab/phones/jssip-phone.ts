/**
 * SIP-lab softphone built on JsSIP 3.13 (the real library, bundled by Vite).
 * Query string: ?ws=ws://127.0.0.1:PORT&user=agent&domain=127.0.0.1[&autoAnswer=1&autoAnswerAfterMs=1000]
 *               [&followRefer=0][&hangupAfterTransfer=0][&autoRegister=1][&debug=1]
 */
import * as JsSIP from 'jssip';
import type { RTCSession, EndEvent, ReferEvent, HoldEvent, ReInviteEvent } from 'jssip/lib/RTCSession';
import type { IncomingRTCSessionEvent, OutgoingRTCSessionEvent } from 'jssip/lib/UA';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import {
  BasePhone,
  installPhone,
  peerConnectionStats,
  readConfig,
  sdpIsHold,
  showFatal,
  type CallInfo,
  type HoldOptions,
  type MediaStats,
  type PhoneConfig,
} from './phone-common';

const MEDIA = { audio: true, video: false } as const;
const PC_CONFIG: RTCConfiguration = { iceServers: [] };

type ReferStatusEvent = { status_line?: { status_code: number; reason_phrase: string }; response?: IncomingResponse };

class JsSipPhone extends BasePhone<RTCSession> {
  private readonly ua: JsSIP.UA;
  private registerWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private unregisterWaiters: Array<() => void> = [];
  /** Set while a followed REFER creates its new outgoing session (RTCSession.connect → newRTCSession). */
  private pendingReferredTarget: string | null = null;
  private readonly audio: HTMLAudioElement;

  constructor(config: PhoneConfig) {
    super(config);
    if (config.debug) JsSIP.debug.enable('JsSIP:*');
    else JsSIP.debug.disable();
    this.audio = document.getElementById('remote-audio') as HTMLAudioElement;
    const socket = new JsSIP.WebSocketInterface(config.wsUrl);
    this.ua = new JsSIP.UA({
      sockets: [socket],
      uri: this.aor,
      display_name: config.displayName,
      register: false,
      register_expires: 600,
      no_answer_timeout: 120,
      user_agent: `SecondRing-SIP-lab JsSIP/${JsSIP.version}`,
    });
    this.ua.on('connected', () => this.emit('transport-connected'));
    this.ua.on('disconnected', () => this.emit('transport-disconnected'));
    this.ua.on('registered', () => {
      this.setRegistered(true);
      this.emit('registered');
      for (const w of this.registerWaiters.splice(0)) w.resolve();
    });
    this.ua.on('unregistered', () => {
      this.setRegistered(false);
      this.emit('unregistered');
      for (const w of this.unregisterWaiters.splice(0)) w();
    });
    this.ua.on('registrationFailed', (e: { cause?: string }) => {
      this.setRegistered(false);
      this.emit('registrationFailed', undefined, e.cause);
      for (const w of this.registerWaiters.splice(0)) w.reject(new Error(`registration failed: ${e.cause ?? '?'}`));
    });
    this.ua.on('newRTCSession', (e: IncomingRTCSessionEvent | OutgoingRTCSessionEvent) => this.onNewSession(e));
    this.ua.start();
  }

  async register(): Promise<void> {
    if (this.registered) return;
    // JsSIP sends REGISTER at once; on a socket still connecting that fails with "Connection
    // Error" (seen on a loaded machine), so wait for the transport first.
    if (!this.ua.isConnected()) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('WebSocket to the SIP server did not connect within 10 s')), 10_000);
        this.ua.once('connected', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return new Promise((resolve, reject) => {
      this.registerWaiters.push({ resolve, reject });
      this.ua.register();
    });
  }

  unregister(): Promise<void> {
    if (!this.registered) return Promise.resolve();
    return new Promise((resolve) => {
      this.unregisterWaiters.push(resolve);
      this.ua.unregister();
    });
  }

  private onNewSession(e: IncomingRTCSessionEvent | OutgoingRTCSessionEvent): void {
    const session = e.session;
    const incoming = e.originator === 'remote';
    const request = e.request as { call_id?: string; getHeader?: (name: string) => string | undefined };
    // JsSIP creates the session of a followed REFER through RTCSession.connect(), which lands here too.
    const referred = !incoming && Boolean(this.pendingReferredTarget);
    this.pendingReferredTarget = null;
    const call = this.addCall(session, {
      sipCallId: request.call_id ?? '',
      direction: incoming ? 'incoming' : 'outgoing',
      remote: session.remote_identity.uri.toString(),
      status: incoming ? 'ringing' : 'calling',
      referred,
    });
    this.wireSession(session, call);
    if (incoming) {
      this.emit('incoming', call.id, call.remote);
      this.incoming(call);
    } else {
      this.emit('outgoing', call.id, call.remote);
    }
  }

  private wireSession(session: RTCSession, call: CallInfo): void {
    session.on('peerconnection', ({ peerconnection }) => {
      peerconnection.addEventListener('track', (ev: RTCTrackEvent) => {
        const stream = ev.streams[0];
        if (stream) {
          this.audio.srcObject = stream;
          this.audio.play().catch(() => { /* autoplay may be blocked: irrelevant for tests */ });
        }
      });
    });
    session.on('sending', () => this.emit('sending', call.id));
    session.on('progress', (e: { originator: string; response?: IncomingResponse }) => {
      if (call.direction === 'outgoing') this.update(call, { status: 'ringing' });
      this.emit('progress', call.id, e.response ? String(e.response.status_code) : e.originator);
    });
    session.on('accepted', (e: { originator: string }) => {
      this.update(call, { status: 'answered' });
      this.emit('accepted', call.id, e.originator);
    });
    session.on('confirmed', (e: { originator: string }) => {
      this.update(call, { status: 'confirmed' });
      this.emit('confirmed', call.id, e.originator);
    });
    session.on('ended', (e: EndEvent) => {
      this.update(call, { status: 'ended', cause: e.cause });
      this.emit('ended', call.id, `${e.originator}: ${e.cause}`);
      this.audioOff();
    });
    session.on('failed', (e: EndEvent) => {
      const code = (e.message as { status_code?: number } | undefined)?.status_code;
      this.update(call, { status: 'failed', cause: code ? `${code} ${e.cause}` : e.cause });
      this.emit('failed', call.id, `${e.originator}: ${code ? `${code} ` : ''}${e.cause}`);
      this.audioOff();
    });
    session.on('hold', (e: HoldEvent) => {
      if (e.originator === 'local') this.update(call, { held: true });
      else this.update(call, { remoteHeld: true });
      this.emit('hold', call.id, e.originator);
    });
    session.on('unhold', (e: HoldEvent) => {
      if (e.originator === 'local') this.update(call, { held: false });
      else this.update(call, { remoteHeld: false });
      this.emit('unhold', call.id, e.originator);
    });
    session.on('reinvite', (e: ReInviteEvent) => this.emit('reinvite', call.id, sdpIsHold(e.request.body) ? 'hold offer' : 'offer'));
    session.on('update', (e: ReInviteEvent) => this.emit('update', call.id, sdpIsHold(e.request.body) ? 'hold offer' : 'offer'));
    session.on('refer', (e: ReferEvent) => {
      const request = e.request as IncomingRequest & { refer_to?: { uri: { toString(): string } } };
      const target = request.refer_to?.uri.toString() ?? '?';
      this.emit('refer', call.id, target);
      if (!this.options.followRefer) {
        e.reject();
        return;
      }
      this.pendingReferredTarget = target;
      // accept() sends the REFER's NOTIFYs (100 Trying … 200 OK) as the new call progresses.
      (e.accept as (init: ((s: RTCSession) => void) | null, options: object) => void)(null, {
        mediaConstraints: MEDIA,
        pcConfig: PC_CONFIG,
      });
    });
  }

  private audioOff(): void {
    const live = this.state().calls.some((c) => c.status === 'confirmed' || c.status === 'answered');
    if (!live) this.audio.srcObject = null;
  }

  call(target: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const ref: { callId?: string } = {}; // known once ua.call() has returned
      const session = this.ua.call(this.target(target), {
        mediaConstraints: MEDIA,
        pcConfig: PC_CONFIG,
        eventHandlers: {
          sending: () => {
            // 'sending' fires right before the INVITE goes on the wire.
            queueMicrotask(() => (ref.callId ? resolve(ref.callId) : reject(new Error('call not registered'))));
          },
          failed: (e: EndEvent) => {
            if (!ref.callId) reject(new Error(`call failed before sending: ${e.cause}`));
          },
        },
      });
      const entry = [...this.calls.values()].find((c) => c.session === session);
      ref.callId = entry?.info.id;
    });
  }

  async answer(callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (info.direction !== 'incoming' || info.status !== 'ringing') throw new Error(`cannot answer ${info.id} in state ${info.status}`);
    session.answer({ mediaConstraints: MEDIA, pcConfig: PC_CONFIG });
  }

  async reject(status: 486 | 480 | 603 = 486, callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (info.direction !== 'incoming' || info.status !== 'ringing') throw new Error(`cannot reject ${info.id} in state ${info.status}`);
    session.terminate({ status_code: status });
  }

  hold(options: HoldOptions = {}, callId?: string): Promise<void> {
    return this.holdOrUnhold(true, options, callId);
  }

  unhold(options: HoldOptions = {}, callId?: string): Promise<void> {
    return this.holdOrUnhold(false, options, callId);
  }

  private holdOrUnhold(hold: boolean, options: HoldOptions, callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    return new Promise((resolve, reject) => {
      const opts = { useUpdate: Boolean(options.useUpdate) };
      const ok = hold ? session.hold(opts, resolve) : session.unhold(opts, resolve);
      if (!ok) reject(new Error(`cannot ${hold ? 'hold' : 'unhold'} ${info.id} now (status ${info.status}, held ${info.held})`));
    });
  }

  transfer(target: string, callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (info.status !== 'confirmed') return Promise.reject(new Error(`cannot transfer ${info.id} in state ${info.status}`));
    const uri = this.target(target);
    return new Promise((resolve, reject) => {
      const notify = (name: string) => (e: ReferStatusEvent) =>
        this.emit('refer-notify', info.id, e.status_line ? `${e.status_line.status_code} ${e.status_line.reason_phrase}` : name);
      session.refer(uri, {
        eventHandlers: {
          requestSucceeded: () => {
            this.emit('refer-accepted', info.id, uri);
            resolve();
          },
          requestFailed: (e: { response?: IncomingResponse; cause?: string }) => {
            this.emit('refer-rejected', info.id, e.response ? String(e.response.status_code) : e.cause);
            reject(new Error(`REFER failed: ${e.response?.status_code ?? e.cause ?? '?'}`));
          },
          trying: notify('trying'),
          progress: notify('progress'),
          accepted: (e: ReferStatusEvent) => {
            notify('accepted')(e);
            this.emit('transfer-succeeded', info.id, uri);
            if (this.options.hangupAfterTransfer && info.status === 'confirmed') session.terminate();
          },
          failed: (e: ReferStatusEvent) => {
            notify('failed')(e);
            this.emit('transfer-failed', info.id, e.status_line ? String(e.status_line.status_code) : undefined);
          },
        },
      });
    });
  }

  async hangup(callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (info.status === 'ended' || info.status === 'failed') return;
    if (info.direction === 'incoming' && info.status === 'ringing') session.terminate({ status_code: 603 });
    else session.terminate(); // BYE when answered/confirmed, CANCEL when outgoing and not answered
  }

  async mediaStats(callId?: string): Promise<MediaStats | null> {
    const { session } = this.pick(callId);
    return peerConnectionStats(session.connection);
  }
}

try {
  const config = readConfig('jssip');
  installPhone(new JsSipPhone(config), config);
} catch (e) {
  showFatal(e);
}
