/**
 * One practice call: the practice phone's own behaviour (ringing, answer, hold, transfer, hang
 * up), the simulated caller (the pure core/practice/caller.ts, woken by timers here), and the
 * page's log of everything that happened, which the score card is computed from.
 *
 * The phone tells the extension what it does the way a vendor softphone does: a `CustomEvent`
 * per state change, and one *before* it acts on Hold, Transfer and Hang up (`dispatch`); the
 * `practice` adapter of the content-script code turns those into call events for the coach.
 * Nothing here knows the coach.
 */
import { callerStep, initialCallerState, type CallerSetup, type CallerState } from '../../core/practice/caller';
import type { PracticePhoneSignal } from '../../core/practice/channel';
import { recognise } from '../../core/practice/intents';
import {
  AGENT_LINES,
  DEPARTMENTS,
  callerLine,
  colleagueOf,
  fill,
  type Scenario,
} from '../../core/practice/scenarios';
import type { PracticeKey } from '../../core/practice/texts';
import type {
  AgentLineId,
  CallerHangUp,
  CallerLineId,
  ColleagueId,
  Language,
  PracticeAction,
  PracticeLogEntry,
  PracticeRules,
} from '../../core/practice/types';

/** From "Start" to the first ring: long enough to look at the phone. */
export const INCOMING_AFTER_MS = 1_500;
/** Between a click on Hold, Transfer or Hang up and the phone doing it (the "before" moment). */
export const ACTION_DELAY_MS = 400;
/** The caller answers after this pause; several lines follow each other at this pace. */
export const REPLY_DELAY_MS = 700;
/** A transfer to a colleague who is in is taken after this long. */
export const TRANSFER_TAKEN_MS = 1_500;
/** A transfer to a colleague who is out rings out after this long and comes back. */
export const TRANSFER_RINGS_OUT_MS = 4_000;

export type PhonePhase = 'idle' | 'waiting' | 'ringing' | 'connected' | 'on-hold' | 'transferring' | 'ended';

export type TranscriptItem =
  | { at: number; who: 'agent' | 'caller'; text: string; line: string | null }
  | { at: number; who: 'system'; key: PracticeKey; params: Record<string, string | number> };

export interface SessionSetup {
  scenario: Scenario;
  language: Language;
  rules: PracticeRules;
  agentName: string;
  organization: string;
  /** The team's greeting parts in `language`, placeholders filled in. */
  greeting: Readonly<Record<'greet' | 'own-name' | 'organization' | 'offer', string>>;
}

export interface SessionDeps {
  now(): number;
  setTimer(callback: () => void, delayMs: number): () => void;
  dispatch(signal: PracticePhoneSignal): void;
  /** A caller line was shown (to speak it). */
  onCallerLine?(text: string): void;
  ringtone?: { start(startedAt: number): void; stop(): void };
}

export interface SessionView {
  phase: PhonePhase;
  callId: string | undefined;
  /** Epoch ms when the phone began to ring (the log's zero). */
  startedAt: number | undefined;
  log: readonly PracticeLogEntry[];
  transcript: readonly TranscriptItem[];
  /** The caller said their name. */
  callerNameKnown: boolean;
  transferringTo: ColleagueId | undefined;
  /** A Hold/Transfer/Hang up click is being carried out. */
  busy: boolean;
}

let serial = 0;

export class PracticeSession {
  private view: SessionView = {
    phase: 'idle',
    callId: undefined,
    startedAt: undefined,
    log: [],
    transcript: [],
    callerNameKnown: false,
    transferringTo: undefined,
    busy: false,
  };
  private caller: CallerState | undefined;
  private readonly callerSetup: CallerSetup;
  private readonly cancels = new Set<() => void>();
  private cancelWake: (() => void) | undefined;
  private replyAt = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly setup: SessionSetup,
    private readonly deps: SessionDeps,
  ) {
    this.callerSetup = { scenario: setup.scenario, region: setup.rules.region, checkBackMs: setup.rules.checkBackSeconds * 1000 };
  }

  get state(): SessionView {
    return this.view;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The page is going away (reload, tab closed) with a call on: tell the coach the call is over,
   * so a reloaded page does not get back a ring counter or a card of a call nobody can end.
   */
  leave(): void {
    const { phase } = this.view;
    if (phase === 'ringing') this.signal({ kind: 'abandoned' });
    else if (phase === 'connected' || phase === 'on-hold' || phase === 'transferring') this.signal({ kind: 'hung-up', by: 'agent' });
    this.dispose();
  }

  /** Stop every timer (the page starts another call, or goes away). */
  dispose(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    this.cancelWake?.();
    this.deps.ringtone?.stop();
    this.listeners.clear();
  }

  // ─── the agent's controls ────────────────────────────────────────────────────────────────

  start(): void {
    if (this.view.phase !== 'idle') return;
    this.update({ phase: 'waiting' });
    this.later(INCOMING_AFTER_MS, () => this.ring());
  }

  answer(): void {
    if (this.view.phase !== 'ringing') return;
    this.deps.ringtone?.stop();
    this.update({ phase: 'connected' });
    this.signal({ kind: 'answered' });
    this.record({ type: 'answered' });
    this.toCaller({ type: 'answered' });
  }

  hold(): void {
    if (this.view.phase !== 'connected' || this.view.busy) return;
    this.record({ type: 'hold-clicked' });
    this.signal({ kind: 'before-hold' });
    this.update({ busy: true });
    this.later(ACTION_DELAY_MS, () => {
      if (this.view.phase !== 'connected') return this.update({ busy: false });
      this.update({ phase: 'on-hold', busy: false });
      this.signal({ kind: 'held' });
      this.record({ type: 'held' });
      this.system('practice_system_held');
      this.toCaller({ type: 'held' });
    });
  }

  resume(): void {
    if (this.view.phase !== 'on-hold' || this.view.busy) return;
    this.update({ phase: 'connected' });
    this.signal({ kind: 'resumed' });
    this.record({ type: 'resumed' });
    this.system('practice_system_resumed');
    this.toCaller({ type: 'resumed' });
  }

  transfer(colleagueId: ColleagueId): void {
    const { phase } = this.view;
    if ((phase !== 'connected' && phase !== 'on-hold') || this.view.busy) return;
    const colleague = colleagueOf(colleagueId);
    this.record({ type: 'transfer-clicked', colleague: colleagueId });
    this.signal({ kind: 'before-transfer' });
    this.update({ busy: true });
    this.later(ACTION_DELAY_MS, () => {
      if (this.view.phase !== phase) return this.update({ busy: false });
      this.update({ phase: 'transferring', busy: false, transferringTo: colleagueId });
      const target = `${colleague.name} (${DEPARTMENTS[colleague.department].name.en})`;
      this.signal({ kind: 'transfer-started', target });
      this.record({ type: 'transfer-started', colleague: colleagueId });
      this.system('practice_system_transfer_started', { colleague: colleague.name });
      this.toCaller({ type: 'transfer-started' });
      if (colleague.available) {
        this.later(TRANSFER_TAKEN_MS, () => {
          if (this.view.phase !== 'transferring') return;
          this.signal({ kind: 'transfer-succeeded' });
          this.record({ type: 'transfer-done', colleague: colleagueId, ok: true });
          // The transfer took the caller: the agent's line of the call ends.
          this.signal({ kind: 'hung-up', by: 'agent' });
          this.record({ type: 'ended', by: 'transfer' });
          this.system('practice_system_transferred', { colleague: colleague.name });
          this.toCaller({ type: 'agent-hung-up' });
          this.end();
        });
      } else {
        this.later(TRANSFER_RINGS_OUT_MS, () => {
          if (this.view.phase !== 'transferring') return;
          this.signal({ kind: 'transfer-failed' });
          this.record({ type: 'transfer-done', colleague: colleagueId, ok: false });
          this.update({ phase: 'connected', transferringTo: undefined });
          this.system('practice_system_transfer_failed', { colleague: colleague.name });
          this.toCaller({ type: 'transfer-failed' });
        });
      }
    });
  }

  hangUp(): void {
    const { phase } = this.view;
    if ((phase !== 'connected' && phase !== 'on-hold') || this.view.busy) return;
    this.record({ type: 'hangup-clicked' });
    this.signal({ kind: 'before-hangup' });
    this.update({ busy: true });
    this.later(ACTION_DELAY_MS, () => {
      if (this.view.phase !== phase) return this.update({ busy: false });
      this.signal({ kind: 'hung-up', by: 'agent' });
      this.record({ type: 'ended', by: 'agent' });
      this.system('practice_system_hung_up');
      this.toCaller({ type: 'agent-hung-up' });
      this.end();
    });
  }

  /** The text of an agent line as the agent would say it now. */
  lineText(line: AgentLineId, colleagueId?: ColleagueId): string {
    const { setup } = this;
    const { language, scenario } = setup;
    if (line === 'greet' || line === 'own-name' || line === 'organization' || line === 'offer') return setup.greeting[line];
    const colleague = colleagueOf(colleagueId ?? 'janis');
    return fill(AGENT_LINES[line][language], {
      callerName: scenario.caller.name,
      colleague: colleague.name,
      department: DEPARTMENTS[colleague.department].name[language],
      departmentTo: DEPARTMENTS[colleague.department].to[language],
      answer: scenario.agent.answer[language],
      recap: scenario.agent.recap[language],
    });
  }

  /** The agent says one of the lines (a button). */
  say(line: AgentLineId, colleague?: ColleagueId): void {
    if (!this.canSpeak()) return;
    const text = this.lineText(line, colleague);
    this.transcribe({ who: 'agent', text, line });
    this.hear(line, text, colleague);
  }

  /** The agent says several lines at once (the whole greeting). */
  sayAll(lines: readonly AgentLineId[]): void {
    if (!this.canSpeak()) return;
    const text = lines.map((l) => this.lineText(l)).join(' ');
    this.transcribe({ who: 'agent', text, line: lines.join(' ') });
    for (const line of lines) this.hear(line, text);
  }

  /** The agent typed a line: what it says is recognised, and the caller reacts to each part. */
  sayText(raw: string): void {
    const text = raw.trim().slice(0, 500);
    if (!text || !this.canSpeak()) return;
    const { agentName, organization } = this.setup;
    const found = recognise(text, { agentName, organization });
    this.transcribe({ who: 'agent', text, line: found.map((f) => f.line).join(' ') || null });
    if (found.length === 0) this.hear(null, text);
    for (const f of found) this.hear(f.line, text, f.colleague);
  }

  canSpeak(): boolean {
    return this.view.phase === 'connected' && !this.view.busy;
  }

  // ─── inside ──────────────────────────────────────────────────────────────────────────────

  private ring(): void {
    const now = this.deps.now();
    serial += 1;
    const callId = `practice-${now.toString(36)}-${serial}`;
    this.update({ phase: 'ringing', callId, startedAt: now, log: [], transcript: [] });
    this.caller = initialCallerState(now);
    const { caller } = this.setup.scenario;
    // One moment for the ring: the coach's answer window and the log both start here.
    this.signal({ kind: 'incoming', caller: { name: caller.name, number: caller.number } }, now);
    this.record({ type: 'ringing' }, now);
    this.deps.ringtone?.start(now);
    this.toCaller({ type: 'tick' });
  }

  private hear(line: AgentLineId | null, text: string, colleague?: ColleagueId): void {
    this.record({ type: 'said', line, text, ...(colleague ? { colleague } : {}) });
    // What speech recognition would tell the coach: the phrase, the evidence of what was done.
    if (line) this.signal({ kind: 'said', who: 'agent', line, ...(line === 'use-name' ? { name: this.setup.scenario.caller.name } : {}) });
    this.toCaller({ type: 'said', line, ...(colleague ? { colleague } : {}) });
  }

  private toCaller(input: Parameters<typeof callerStep>[2]): void {
    if (!this.caller) return;
    const result = callerStep(this.callerSetup, this.caller, input, this.deps.now());
    this.caller = result.state;
    for (const line of result.says) this.reply(line);
    if (result.hangsUp) this.callerHangsUp(result.hangsUp);
    this.cancelWake?.();
    this.cancelWake = undefined;
    if (result.wakeAt !== null && this.view.phase !== 'ended') {
      this.cancelWake = this.deps.setTimer(() => this.toCaller({ type: 'tick' }), Math.max(0, result.wakeAt - this.deps.now()));
    }
  }

  /** Caller lines come one after another, each after a short pause; a line the agent can no longer hear is dropped. */
  private reply(line: CallerLineId): void {
    const now = this.deps.now();
    this.replyAt = Math.max(now, this.replyAt) + REPLY_DELAY_MS;
    this.later(this.replyAt - now, () => {
      if (this.view.phase !== 'connected') return;
      const text = callerLine(this.setup.scenario, line, this.setup.language);
      this.record({ type: 'caller-said', line, text });
      this.signal({ kind: 'said', who: 'caller', line, ...(line === 'name' ? { name: this.setup.scenario.caller.name } : {}) });
      this.transcribe({ who: 'caller', text, line });
      if (line === 'name') this.update({ callerNameKnown: true });
      this.deps.onCallerLine?.(text);
    });
  }

  private callerHangsUp(reason: CallerHangUp): void {
    const { phase } = this.view;
    if (phase === 'ringing') {
      this.deps.ringtone?.stop();
      this.signal({ kind: 'abandoned' });
    } else if (phase === 'connected' || phase === 'on-hold') {
      this.signal({ kind: 'hung-up', by: 'caller' });
    } else {
      return;
    }
    this.record({ type: 'ended', by: 'caller', reason });
    const key: PracticeKey =
      reason === 'abandoned'
        ? 'practice_system_abandoned'
        : reason === 'hold-too-long'
          ? 'practice_system_hold_too_long'
          : reason === 'silence'
            ? 'practice_system_silence'
            : 'practice_system_done';
    this.system(key, reason === 'abandoned' ? { rings: this.setup.scenario.abandonAfterRings } : {});
    this.end();
  }

  private end(): void {
    this.deps.ringtone?.stop();
    this.cancelWake?.();
    this.cancelWake = undefined;
    this.update({ phase: 'ended', busy: false, transferringTo: undefined });
  }

  private signal(signal: DistributiveOmit<PracticePhoneSignal, 'callId' | 'at'>, at = this.deps.now()): void {
    const { callId } = this.view;
    if (!callId) return;
    this.deps.dispatch({ ...signal, callId, at } as PracticePhoneSignal);
  }

  private record(action: PracticeAction, now = this.deps.now()): void {
    const at = now - (this.view.startedAt ?? now);
    this.update({ log: [...this.view.log, { at, ...action } as PracticeLogEntry] });
  }

  private transcribe(item: { who: 'agent' | 'caller'; text: string; line: string | null }): void {
    const at = this.deps.now() - (this.view.startedAt ?? this.deps.now());
    this.update({ transcript: [...this.view.transcript, { at, ...item }] });
  }

  private system(key: PracticeKey, params: Record<string, string | number> = {}): void {
    const at = this.deps.now() - (this.view.startedAt ?? this.deps.now());
    this.update({ transcript: [...this.view.transcript, { at, who: 'system', key, params }] });
  }

  private later(delayMs: number, callback: () => void): void {
    const cancel = this.deps.setTimer(() => {
      this.cancels.delete(cancel);
      callback();
    }, delayMs);
    this.cancels.add(cancel);
  }

  private update(patch: Partial<SessionView>): void {
    this.view = { ...this.view, ...patch };
    for (const listener of this.listeners) listener();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
