/**
 * SIP-lab softphone built on SIP.js 0.21 (the real library, bundled by Vite).
 * Query string: ?ws=ws://127.0.0.1:PORT&user=agent&domain=127.0.0.1[&autoAnswer=1&autoAnswerAfterMs=1000]
 *               [&followRefer=0][&hangupAfterTransfer=0][&autoRegister=1][&debug=1]
 *
 * Limitation: SIP.js 0.21 has no UPDATE support (neither sending nor receiving), so
 * hold({ useUpdate: true }) / unhold({ useUpdate: true }) reject with Error('unsupported: …').
 * Hold is a re-INVITE with the session description handler's `hold` option (what SIP.js'
 * own SimpleUser/SessionManager does): the offer becomes a=sendonly (or inactive).
 */
import {
  Invitation,
  Inviter,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  Web,
  version as sipJsVersion,
  type Bye,
  type Core,
  type Notification,
  type Referral,
  type Session,
} from 'sip.js';
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
type IncomingResponse = Core.IncomingResponse;

class SipJsPhone extends BasePhone<Session> {
  private readonly ua: UserAgent;
  private readonly registerer: Registerer;
  private readonly started: Promise<void>;
  private readonly audio: HTMLAudioElement;

  constructor(config: PhoneConfig) {
    super(config);
    this.audio = document.getElementById('remote-audio') as HTMLAudioElement;
    const uri = UserAgent.makeURI(this.aor);
    if (!uri) throw new Error(`bad AOR ${this.aor}`);
    this.ua = new UserAgent({
      uri,
      displayName: config.displayName,
      transportOptions: { server: config.wsUrl, traceSip: config.debug },
      logLevel: config.debug ? 'debug' : 'warn',
      userAgentString: `SecondRing-SIP-lab SIP.js/${sipJsVersion}`,
      noAnswerTimeout: 120,
      // No STUN/TURN on the lab's loopback (the default config points at a public STUN server).
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: [] },
        iceGatheringTimeout: 2000,
      },
      delegate: {
        onConnect: () => this.emit('transport-connected'),
        onDisconnect: () => this.emit('transport-disconnected'),
        onInvite: (invitation: Invitation) => this.onInvitation(invitation),
      },
    });
    this.registerer = new Registerer(this.ua, { expires: 600 });
    this.registerer.stateChange.addListener((state: RegistererState) => {
      if (state === RegistererState.Registered) {
        this.setRegistered(true);
        this.emit('registered');
      } else if (state === RegistererState.Unregistered && this.registered) {
        this.setRegistered(false);
        this.emit('unregistered');
      }
    });
    this.started = this.ua.start();
  }

  async register(): Promise<void> {
    await this.started;
    if (this.registered) return;
    await new Promise<void>((resolve, reject) => {
      const off = () => this.registerer.stateChange.removeListener(listener);
      const listener = (state: RegistererState) => {
        if (state === RegistererState.Registered) { off(); resolve(); }
      };
      this.registerer.stateChange.addListener(listener);
      this.registerer
        .register({
          requestDelegate: {
            onReject: (response: IncomingResponse) => {
              off();
              this.emit('registrationFailed', undefined, String(response.message.statusCode));
              reject(new Error(`registration failed: ${response.message.statusCode} ${response.message.reasonPhrase}`));
            },
          },
        })
        .catch((e: unknown) => { off(); reject(e instanceof Error ? e : new Error(String(e))); });
    });
  }

  async unregister(): Promise<void> {
    if (!this.registered) return;
    await new Promise<void>((resolve, reject) => {
      const off = () => this.registerer.stateChange.removeListener(listener);
      const listener = (state: RegistererState) => {
        if (state === RegistererState.Unregistered) { off(); resolve(); }
      };
      this.registerer.stateChange.addListener(listener);
      this.registerer.unregister().catch((e: unknown) => { off(); reject(e instanceof Error ? e : new Error(String(e))); });
    });
  }

  // ---- session bookkeeping ----

  private onInvitation(invitation: Invitation): void {
    const call = this.addCall(invitation, {
      sipCallId: invitation.request.callId,
      direction: 'incoming',
      remote: invitation.remoteIdentity.uri.toString(),
      status: 'ringing',
      referred: false,
    });
    this.wireSession(invitation, call);
    invitation.delegate = {
      ...invitation.delegate,
      onCancel: () => this.update(call, { cause: 'Canceled' }),
    };
    this.emit('incoming', call.id, call.remote);
    // SIP.js sends 180 Ringing by itself (sendInitialProvisionalResponse defaults to true).
    this.emit('progress', call.id, 'local');
    this.incoming(call);
  }

  private trackInviter(inviter: Inviter, referred: boolean): CallInfo {
    const call = this.addCall(inviter, {
      sipCallId: inviter.request.callId,
      direction: 'outgoing',
      remote: inviter.remoteIdentity.uri.toString(),
      status: 'calling',
      referred,
    });
    this.wireSession(inviter, call);
    this.emit('outgoing', call.id, call.remote);
    return call;
  }

  private async sendInvite(inviter: Inviter, call: CallInfo): Promise<void> {
    await inviter.invite({
      requestDelegate: {
        onProgress: (response: IncomingResponse) => {
          const code = response.message.statusCode ?? 0;
          if (code > 100) {
            this.update(call, { status: 'ringing' });
            this.emit('progress', call.id, String(code));
          }
        },
        onAccept: () => {
          this.update(call, { status: 'answered' });
          this.emit('accepted', call.id, 'remote');
        },
        onReject: (response: IncomingResponse) => {
          this.update(call, { cause: `${response.message.statusCode} ${response.message.reasonPhrase}` });
        },
      },
    });
    this.emit('sending', call.id);
  }

  private wireSession(session: Session, call: CallInfo): void {
    let acked = false;
    session.delegate = {
      onAck: () => {
        // The initial ACK (incoming call) and ACKs of re-INVITEs we answered.
        if (!acked && call.direction === 'incoming') {
          acked = true;
          this.update(call, { status: 'confirmed' });
          this.emit('confirmed', call.id, 'remote');
        }
      },
      onBye: (bye: Bye) => {
        // With a delegate, SIP.js leaves the 200 OK to the application.
        bye.accept().catch(() => {});
        this.update(call, { cause: 'BYE' });
      },
      onInvite: (request: Core.IncomingRequestMessage) => {
        const hold = sdpIsHold(request.body);
        this.emit('reinvite', call.id, hold ? 'hold offer' : 'offer');
        if (hold !== call.remoteHeld) {
          this.update(call, { remoteHeld: hold });
          this.emit(hold ? 'hold' : 'unhold', call.id, 'remote');
        }
      },
      onRefer: (referral: Referral) => this.onReferral(referral, call),
    };
    session.stateChange.addListener((state: SessionState) => {
      switch (state) {
        case SessionState.Established:
          if (call.direction === 'incoming') {
            this.update(call, { status: 'answered' });
            this.emit('accepted', call.id, 'local');
          } else {
            // SIP.js sends the ACK as it establishes an outgoing session.
            this.update(call, { status: 'confirmed' });
            this.emit('confirmed', call.id, 'local');
          }
          this.attachAudio(session);
          break;
        case SessionState.Terminated: {
          const wasUp = call.status === 'answered' || call.status === 'confirmed';
          this.update(call, { status: wasUp ? 'ended' : 'failed', cause: call.cause ?? (wasUp ? 'BYE' : 'Terminated') });
          this.emit(wasUp ? 'ended' : 'failed', call.id, call.cause);
          this.audioOff();
          break;
        }
        default:
          break;
      }
    });
  }

  private onReferral(referral: Referral, call: CallInfo): void {
    const target = referral.referTo.uri.toString();
    this.emit('refer', call.id, target);
    if (!this.options.followRefer) {
      referral.reject().catch(() => {});
      return;
    }
    referral
      .accept()
      .then(() => {
        // makeInviter() links the new session to the referring one: SIP.js sends the REFER's NOTIFYs.
        const inviter = referral.makeInviter({ sessionDescriptionHandlerOptions: { constraints: MEDIA } });
        const newCall = this.trackInviter(inviter, true);
        return this.sendInvite(inviter, newCall);
      })
      .catch((e: unknown) => this.emit('error', call.id, `refer: ${String(e)}`));
  }

  private attachAudio(session: Session): void {
    const sdh = session.sessionDescriptionHandler;
    if (sdh instanceof Web.SessionDescriptionHandler) {
      this.audio.srcObject = sdh.remoteMediaStream;
      this.audio.play().catch(() => { /* autoplay may be blocked: irrelevant for tests */ });
    }
  }

  private audioOff(): void {
    const live = this.state().calls.some((c) => c.status === 'confirmed' || c.status === 'answered');
    if (!live) this.audio.srcObject = null;
  }

  // ---- API ----

  async call(target: string): Promise<string> {
    await this.started;
    const uri = UserAgent.makeURI(this.target(target));
    if (!uri) throw new Error(`bad target ${target}`);
    const inviter = new Inviter(this.ua, uri, { sessionDescriptionHandlerOptions: { constraints: MEDIA } });
    const call = this.trackInviter(inviter, false);
    await this.sendInvite(inviter, call);
    return call.id;
  }

  async answer(callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (!(session instanceof Invitation) || info.status !== 'ringing') throw new Error(`cannot answer ${info.id} in state ${info.status}`);
    await session.accept({ sessionDescriptionHandlerOptions: { constraints: MEDIA } });
  }

  async reject(status: 486 | 480 | 603 = 486, callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (!(session instanceof Invitation) || info.status !== 'ringing') throw new Error(`cannot reject ${info.id} in state ${info.status}`);
    this.update(info, { cause: String(status) });
    await session.reject({ statusCode: status });
  }

  hold(options: HoldOptions = {}, callId?: string): Promise<void> {
    return this.setHold(true, options, callId);
  }

  unhold(options: HoldOptions = {}, callId?: string): Promise<void> {
    return this.setHold(false, options, callId);
  }

  private async setHold(hold: boolean, options: HoldOptions, callId?: string): Promise<void> {
    if (options.useUpdate) {
      throw new Error(`unsupported: SIP.js ${sipJsVersion} cannot send UPDATE (hold uses re-INVITE only)`);
    }
    const { session, info } = this.pick(callId);
    if (session.state !== SessionState.Established) throw new Error(`cannot ${hold ? 'hold' : 'unhold'} ${info.id} in state ${info.status}`);
    if (info.held === hold) return;
    // SimpleUser's approach: the SDH's `hold` option sets the transceivers to sendonly/inactive.
    session.sessionDescriptionHandlerOptionsReInvite = {
      ...session.sessionDescriptionHandlerOptionsReInvite,
      hold,
    } as Web.SessionDescriptionHandlerOptions;
    this.emit(hold ? 'hold' : 'unhold', info.id, 'local');
    this.update(info, { held: hold });
    await new Promise<void>((resolve, reject) => {
      session
        .invite({
          requestDelegate: {
            onAccept: () => {
              this.enableTracks(session, !hold);
              resolve();
            },
            onReject: (response: IncomingResponse) => {
              this.update(info, { held: !hold });
              this.emit(hold ? 'unhold' : 'hold', info.id, `local (re-INVITE rejected ${response.message.statusCode})`);
              reject(new Error(`re-INVITE rejected: ${response.message.statusCode}`));
            },
          },
        })
        .catch((e: unknown) => {
          this.update(info, { held: !hold });
          reject(e instanceof Error ? e : new Error(String(e)));
        });
    });
  }

  private enableTracks(session: Session, enable: boolean): void {
    const sdh = session.sessionDescriptionHandler;
    if (!(sdh instanceof Web.SessionDescriptionHandler) || !sdh.peerConnection) return;
    for (const sender of sdh.peerConnection.getSenders()) if (sender.track) sender.track.enabled = enable;
    for (const receiver of sdh.peerConnection.getReceivers()) receiver.track.enabled = enable;
  }

  async transfer(target: string, callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (session.state !== SessionState.Established) throw new Error(`cannot transfer ${info.id} in state ${info.status}`);
    const uriText = this.target(target);
    const uri = UserAgent.makeURI(uriText);
    if (!uri) throw new Error(`bad target ${target}`);
    await new Promise<void>((resolve, reject) => {
      session
        .refer(uri, {
          requestDelegate: {
            onAccept: () => {
              this.emit('refer-accepted', info.id, uriText);
              resolve();
            },
            onReject: (response: IncomingResponse) => {
              this.emit('refer-rejected', info.id, String(response.message.statusCode));
              reject(new Error(`REFER failed: ${response.message.statusCode}`));
            },
          },
          onNotify: (notification: Notification) => {
            notification.accept().catch(() => {});
            const frag = notification.request.body.trim().split(/\r?\n/, 1)[0] ?? '';
            const m = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/.exec(frag);
            const code = m ? Number(m[1]) : 0;
            this.emit('refer-notify', info.id, m ? `${m[1]} ${m[2]}` : frag);
            if (code >= 200 && code < 300) {
              this.emit('transfer-succeeded', info.id, uriText);
              if (this.options.hangupAfterTransfer && session.state === SessionState.Established) {
                session.bye().catch(() => {});
              }
            } else if (code >= 300) {
              this.emit('transfer-failed', info.id, String(code));
            }
          },
        })
        .catch((e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
    });
  }

  async hangup(callId?: string): Promise<void> {
    const { session, info } = this.pick(callId);
    if (info.status === 'ended' || info.status === 'failed') return;
    if (session instanceof Inviter && session.state !== SessionState.Established) {
      this.update(info, { cause: 'Canceled' });
      await session.cancel();
    } else if (session instanceof Invitation && session.state === SessionState.Initial) {
      this.update(info, { cause: '603' });
      await session.reject({ statusCode: 603 });
    } else {
      this.update(info, { cause: 'BYE' });
      await session.bye();
    }
  }

  async mediaStats(callId?: string): Promise<MediaStats | null> {
    const { session } = this.pick(callId);
    const sdh = session.sessionDescriptionHandler;
    return sdh instanceof Web.SessionDescriptionHandler ? peerConnectionStats(sdh.peerConnection) : null;
  }
}

try {
  const config = readConfig('sipjs');
  installPhone(new SipJsPhone(config), config);
} catch (e) {
  showFatal(e);
}
