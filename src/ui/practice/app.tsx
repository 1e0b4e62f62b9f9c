/**
 * The practice softphone page: pick a scenario, take the call, speak by choosing lines or
 * typing, and get a score card per rule at the end. Coaching comes from the extension exactly
 * as on a real softphone (the content-script code runs in this page, see main.tsx); to explain
 * it on the score card, this page reads the coach's own record of the call (its nudges, each with
 * the time the coach fired it), never the overlay's DOM.
 *
 * Components get data and actions as props (style.md §10): `PracticeEnv` is the browser side
 * (dispatching the phone's events, the ringtone, the voice).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CoachConfig } from '../../core/coach/config';
import type { SettingsView } from '../../core/messages';
import { ringAt } from '../../core/practice/cadence';
import type { PracticePhoneSignal } from '../../core/practice/channel';
import { COLLEAGUES, DEPARTMENTS, GREETING_LINES, SCENARIOS, colleagueOf, scenarioOf } from '../../core/practice/scenarios';
import { scoreCall } from '../../core/practice/scoring';
import { localeText, practiceText, renderScoreCard, scenarioGoal, scenarioTitle, type PracticeKey, type RenderedCard } from '../../core/practice/texts';
import type { AgentLineId, ColleagueId, Language, PracticeRules, ScenarioId, ShownNudge } from '../../core/practice/types';
import type { CallRecord } from '../../core/coach/types';
import type { ShiftActions, UiActions } from '../shared/actions';
import { PracticeSession, type SessionSetup, type SessionView, type TranscriptItem } from './session';

/** After the call ends, the coach's end-of-call nudges arrive within this time. */
export const SETTLE_MS = 1_500;
/** The coach may see the call's end a moment after the page: asked again this often, this many times. */
export const REPORT_RETRY_MS = 500;
const REPORT_TRIES = 10;
const RING_REDRAW_MS = 200;

export interface PracticeEnv {
  dispatch(signal: PracticePhoneSignal): void;
  ringtone: { start(region: PracticeRules['region'], startedAt: number): void; stop(): void; setMuted(muted: boolean): void; unlock(): void };
  voice: { available(language: Language): boolean; speak(text: string, language: Language): void; cancel(): void; onChange(listener: () => void): () => void };
  /** A scenario to preselect (the page's `?scenario=` parameter). */
  initialScenario?: string | null;
}

export function practiceRules(config: CoachConfig): PracticeRules {
  return {
    region: config.region,
    callerNameAfterSeconds: config.rules['caller-name'].afterSeconds,
    checkBackSeconds: config.rules['hold-check-back'].intervalSeconds,
    safeHoldSeconds: config.rules['safe-hold'].windowSeconds,
    enabled: Object.fromEntries(Object.entries(config.rules).map(([id, rule]) => [id, rule.enabled])),
  };
}

/** The team's greeting in the agent's language, with the agent's name and the organization filled in. */
export function greetingFor(view: SettingsView, language: Language): SessionSetup['greeting'] {
  const parts = view.effective.greeting[language];
  const agent = view.agent.name.trim() || localeText(language, 'nudge_greeting__no_agent_name');
  const organization = view.effective.organization.trim() || localeText(language, 'nudge_greeting__no_organization');
  const fillIn = (s: string) => s.replace(/\{agent\}/g, agent).replace(/\{organization\}/g, organization);
  return { greet: fillIn(parts.greeting), 'own-name': fillIn(parts.ownName), organization: fillIn(parts.organization), offer: fillIn(parts.offer) };
}

const isScenario = (id: unknown): id is ScenarioId => SCENARIOS.some((s) => s.id === id);

/** What the page asks of the extension: its settings, the coach's records, the options page. */
export type PracticeActions = Pick<UiActions, 'getSettings' | 'onSettingsChanged' | 'openOptionsPage'> & Pick<ShiftActions, 'coachRecords'>;

/** The nudges the coach recorded on a call, timed from its first ring (the score card's zero). */
export function reportedNudges(record: CallRecord, startedAt: number): ShownNudge[] {
  return record.nudges.map((n) => ({ key: n.key, ruleId: n.ruleId, kind: n.kind ?? 'toast', text: n.text, at: n.firedAt - startedAt }));
}

/**
 * The coach's record of a practice call, once it has ended (asked again while the coach has not
 * seen the end yet); the last one read, or undefined when there is none. Practice calls are never
 * kept in the history: the coach holds the record a while after the call.
 */
export async function coachRecord(
  actions: Pick<ShiftActions, 'coachRecords'>,
  call: { callId: string; startedAt: number },
  wait: (ms: number) => Promise<void>,
): Promise<CallRecord | undefined> {
  let found: CallRecord | undefined;
  for (let i = 0; i < REPORT_TRIES; i++) {
    const calls = await actions.coachRecords().catch(() => [] as CallRecord[]);
    found = calls.find((r) => r.callId === call.callId) ?? found;
    if (found?.endedAt !== undefined) return found;
    await wait(REPORT_RETRY_MS);
  }
  return found;
}

export function PracticeApp(props: { actions: PracticeActions; env: PracticeEnv }) {
  const { actions, env } = props;
  const [view, setView] = useState<SettingsView>();
  const [loadError, setLoadError] = useState<string>();
  const [scenarioId, setScenarioId] = useState<ScenarioId>(isScenario(env.initialScenario) ? env.initialScenario : 'answer-window');
  const [session, setSession] = useState<PracticeSession>();
  const [, setVersion] = useState(0);
  const [muted, setMuted] = useState(false);
  const [, setVoices] = useState(0);

  const load = useCallback(() => {
    setLoadError(undefined);
    actions.getSettings().then(setView, (error: unknown) => setLoadError(error instanceof Error ? error.message : String(error)));
  }, [actions]);

  useEffect(() => {
    load();
    return actions.onSettingsChanged(load);
  }, [actions, load]);

  useEffect(() => env.voice.onChange(() => setVoices((n) => n + 1)), [env]);

  useEffect(() => {
    if (!session) return;
    const stop = session.subscribe(() => setVersion((n) => n + 1));
    return () => {
      stop();
    };
  }, [session]);

  useEffect(() => {
    if (!session) return;
    const leave = () => session.leave();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      session.dispose();
    };
  }, [session]);

  const language: Language = view?.language ?? 'en';
  useEffect(() => {
    document.documentElement.lang = language;
    document.title = practiceText(language, 'practice_page_title');
  }, [language]);

  const start = () => {
    if (!view) return;
    env.ringtone.unlock();
    session?.dispose();
    const rules = practiceRules(view.effective);
    const setup: SessionSetup = {
      scenario: scenarioOf(scenarioId),
      language,
      rules,
      agentName: view.agent.name,
      organization: view.effective.organization,
      greeting: greetingFor(view, language),
    };
    const next = new PracticeSession(setup, {
      now: () => Date.now(),
      setTimer: (callback, delayMs) => {
        const timer = setTimeout(callback, delayMs);
        return () => clearTimeout(timer);
      },
      dispatch: env.dispatch,
      onCallerLine: (text) => env.voice.speak(text, language),
      ringtone: { start: (startedAt) => env.ringtone.start(rules.region, startedAt), stop: () => env.ringtone.stop() },
    });
    setSession(next);
    next.start();
  };

  const toggleMute = () => {
    setMuted(!muted);
    env.ringtone.setMuted(!muted);
    if (!muted) env.voice.cancel();
  };

  const tx = (key: PracticeKey, params: Record<string, string | number> = {}) => practiceText(language, key, params);

  return (
    <main class="practice" data-testid="practice" data-ready={view ? 'true' : 'false'} data-language={language}>
      <header class="practice__header">
        <h1>{tx('practice_heading')}</h1>
        <p class="hint">{tx('practice_intro')}</p>
        <div class="practice__toggles">
          <label>
            <input type="checkbox" data-testid="mute" checked={muted} onChange={toggleMute} /> {tx('practice_mute')}
          </label>
          {!env.voice.available(language) && (
            <span class="hint" data-testid="voice-note">
              {tx('practice_voice_none')}
            </span>
          )}
        </div>
      </header>
      {!view && !loadError && <p data-testid="loading">{tx('practice_loading')}</p>}
      {loadError && (
        <div class="banner" data-testid="load-error">
          {tx('practice_load_failed')} {loadError}{' '}
          <button type="button" onClick={load}>
            {tx('practice_retry')}
          </button>
        </div>
      )}
      {view && (!view.agent.name.trim() || !view.effective.organization.trim()) && (
        <div class="banner" data-testid="setup-missing" role="note">
          {tx('practice_setup_missing')}{' '}
          <button type="button" data-testid="open-options" onClick={() => void actions.openOptionsPage()}>
            {tx('practice_setup_open')}
          </button>
        </div>
      )}
      {view && (
        <div class="practice__layout">
          <ScenarioList language={language} selected={scenarioId} onSelect={setScenarioId} disabled={isLive(session?.state)} onStart={start} />
          {session && <Phone session={session} language={language} />}
          {session && session.state.phase === 'ended' && (
            <ScoreCardPanel session={session} actions={actions} language={language} onAgain={start} />
          )}
        </div>
      )}
    </main>
  );
}

const isLive = (state: SessionView | undefined): boolean => state !== undefined && state.phase !== 'idle' && state.phase !== 'ended';

function ScenarioList(props: {
  language: Language;
  selected: ScenarioId;
  disabled: boolean;
  onSelect(id: ScenarioId): void;
  onStart(): void;
}) {
  const { language } = props;
  return (
    <section class="card scenarios" aria-labelledby="scenarios-heading">
      <h2 id="scenarios-heading">{practiceText(language, 'practice_scenarios')}</h2>
      <ul class="scenarios__list">
        {SCENARIOS.map((s) => (
          <li key={s.id}>
            <label class="scenario">
              <input
                type="radio"
                name="scenario"
                value={s.id}
                data-testid={`scenario-${s.id}`}
                checked={props.selected === s.id}
                disabled={props.disabled}
                onChange={() => props.onSelect(s.id)}
              />
              <span>
                <strong>{scenarioTitle(s.id, language)}</strong>
                <span class="hint scenario__goal">{scenarioGoal(s.id, language)}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <button type="button" class="primary" data-testid="start" disabled={props.disabled} onClick={props.onStart}>
        {practiceText(language, 'practice_start')}
      </button>
    </section>
  );
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), RING_REDRAW_MS);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

function Phone(props: { session: PracticeSession; language: Language }) {
  const { session, language } = props;
  const state = session.state;
  const { scenario, rules } = session.setup;
  const [colleague, setColleague] = useState<ColleagueId>('janis');
  const [typed, setTyped] = useState('');
  const now = useNow(state.phase === 'ringing');
  const tx = (key: PracticeKey, params: Record<string, string | number> = {}) => practiceText(language, key, params);
  const caller = `${scenario.caller.name} (${scenario.caller.number})`;
  const ring = state.phase === 'ringing' && state.startedAt !== undefined ? ringAt(now - state.startedAt, rules.region) : undefined;

  const status = (() => {
    switch (state.phase) {
      case 'idle':
        return tx('practice_status_idle');
      case 'waiting':
        return tx('practice_status_waiting');
      case 'ringing':
        return tx('practice_status_incoming', { caller });
      case 'connected':
        return tx('practice_status_connected', { caller });
      case 'on-hold':
        return tx('practice_status_on_hold', { caller });
      case 'transferring':
        return tx('practice_status_transferring', { colleague: colleagueOf(state.transferringTo ?? colleague).name });
      case 'ended':
        return tx('practice_status_ended');
    }
  })();

  const speakable = session.canSpeak();
  const lineButton = (line: AgentLineId, options: { colleague?: ColleagueId; disabled?: boolean } = {}) => (
    <button
      type="button"
      data-testid={`say-${line}`}
      disabled={!speakable || options.disabled}
      onClick={() => session.say(line, options.colleague)}
    >
      {session.lineText(line, options.colleague)}
    </button>
  );

  return (
    <section
      class="card phone"
      aria-labelledby="phone-heading"
      data-testid="phone"
      data-phase={state.phase}
      data-call-id={state.callId ?? ''}
      data-started-at={state.startedAt ?? ''}
    >
      <h2 id="phone-heading">{tx('practice_phone')}</h2>
      <p class={`phone__status phone__status--${state.phase}`} data-testid="phone-status" role="status">
        {status}
        {ring !== undefined && (
          <span class="phone__ring" data-testid="ring-count" data-ring={ring}>
            {' '}
            {tx('practice_ring_count', { ring })}
          </span>
        )}
      </p>
      <div class="phone__controls">
        <button type="button" class="primary" data-testid="answer" disabled={state.phase !== 'ringing'} onClick={() => session.answer()}>
          {tx('practice_answer')}
        </button>
        <button type="button" data-testid="hold" disabled={state.phase !== 'connected' || state.busy} onClick={() => session.hold()}>
          {tx('practice_hold')}
        </button>
        <button type="button" data-testid="resume" disabled={state.phase !== 'on-hold'} onClick={() => session.resume()}>
          {tx('practice_resume')}
        </button>
        <label class="phone__colleague">
          {tx('practice_transfer_to')}{' '}
          <select data-testid="colleague" value={colleague} onChange={(e) => setColleague((e.currentTarget as HTMLSelectElement).value as ColleagueId)}>
            {COLLEAGUES.map((c) => (
              <option key={c.id} value={c.id}>
                {tx('practice_colleague_option', { colleague: c.name, department: DEPARTMENTS[c.department].name[language] })}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-testid="transfer"
          disabled={(state.phase !== 'connected' && state.phase !== 'on-hold') || state.busy}
          onClick={() => session.transfer(colleague)}
        >
          {tx('practice_transfer')}
        </button>
        <button
          type="button"
          class="danger"
          data-testid="hangup"
          disabled={(state.phase !== 'connected' && state.phase !== 'on-hold') || state.busy}
          onClick={() => session.hangUp()}
        >
          {tx('practice_hangup')}
        </button>
      </div>

      <section class="say" aria-labelledby="say-heading">
        <h3 id="say-heading">{tx('practice_say_heading')}</h3>
        <div class="say__group" role="group" aria-label={tx('practice_group_greeting')}>
          <span class="say__label">{tx('practice_group_greeting')}</span>
          {GREETING_LINES.map((line) => lineButton(line))}
          <button type="button" data-testid="say-whole-greeting" disabled={!speakable} onClick={() => session.sayAll(GREETING_LINES)}>
            {tx('practice_say_whole_greeting')}
          </button>
        </div>
        <div class="say__group" role="group" aria-label={tx('practice_group_call')}>
          <span class="say__label">{tx('practice_group_call')}</span>
          {lineButton('ask-name')}
          {lineButton('use-name', { disabled: !state.callerNameKnown })}
          {lineButton('ask-hold')}
          {lineButton('thank-hold')}
          {lineButton('give-answer')}
        </div>
        <div class="say__group" role="group" aria-label={tx('practice_group_transfer')}>
          <span class="say__label">{tx('practice_group_transfer')}</span>
          {lineButton('announce-transfer', { colleague })}
          {lineButton('colleague-out', { colleague })}
          {lineButton('ask-number')}
          {lineButton('read-back')}
          {lineButton('promise-callback', { colleague })}
        </div>
        <div class="say__group" role="group" aria-label={tx('practice_group_closing')}>
          <span class="say__label">{tx('practice_group_closing')}</span>
          {lineButton('recap')}
          {lineButton('anything-else')}
          {lineButton('thank-you')}
        </div>
        <form
          class="say__free"
          onSubmit={(e) => {
            e.preventDefault();
            session.sayText(typed);
            setTyped('');
          }}
        >
          <label for="free-text">{tx('practice_type_label')}</label>
          <input
            id="free-text"
            type="text"
            data-testid="free-text"
            value={typed}
            placeholder={tx('practice_type_placeholder')}
            maxLength={500}
            disabled={!speakable}
            onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" data-testid="say-text" disabled={!speakable || typed.trim() === ''}>
            {tx('practice_say')}
          </button>
        </form>
      </section>

      <Transcript items={state.transcript} language={language} />
    </section>
  );
}

function Transcript(props: { items: readonly TranscriptItem[]; language: Language }) {
  const { items, language } = props;
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView?.({ block: 'nearest' }), [items.length]);
  return (
    <section class="transcript" aria-labelledby="transcript-heading">
      <h3 id="transcript-heading">{practiceText(language, 'practice_transcript')}</h3>
      <ol class="transcript__list" data-testid="transcript" aria-live="polite">
        {items.map((item, i) => (
          <li
            key={i}
            ref={i === items.length - 1 ? end : undefined}
            class={`transcript__item transcript__item--${item.who}`}
            data-testid="transcript-item"
            data-who={item.who}
            data-line={item.who === 'system' ? item.key : (item.line ?? '')}
          >
            <span class="transcript__time">{(item.at / 1000).toFixed(1)} s</span>{' '}
            {item.who === 'system' ? (
              <em>{practiceText(language, item.key, item.params)}</em>
            ) : (
              <>
                <strong>{practiceText(language, item.who === 'agent' ? 'practice_you' : 'practice_caller')}:</strong> {item.text}
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ScoreCardPanel(props: { session: PracticeSession; actions: Pick<ShiftActions, 'coachRecords'>; language: Language; onAgain(): void }) {
  const { session, actions, language } = props;
  const state = session.state;
  /** The coach's record of the call (null: none could be read). */
  const [record, setRecord] = useState<CallRecord | null>();
  const { callId, startedAt } = state;
  useEffect(() => {
    if (!callId || startedAt === undefined) return;
    let live = true;
    const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    void wait(SETTLE_MS)
      .then(() => coachRecord(actions, { callId, startedAt }, wait))
      .then((found) => live && setRecord(found ?? null));
    return () => {
      live = false;
    };
  }, [session, actions, callId, startedAt]);

  const card: RenderedCard | undefined = useMemo(() => {
    if (record === undefined || !callId || startedAt === undefined) return undefined;
    const nudges: ShownNudge[] = record ? reportedNudges(record, startedAt) : [];
    const score = scoreCall({ scenario: session.setup.scenario.id, rules: session.setup.rules, log: state.log, nudges });
    return renderScoreCard(score, language);
  }, [record, callId, startedAt, state, session, language]);

  const shown = card !== undefined;
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    if (shown) panel.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, [shown]);

  if (!card) return null;
  const tx = (key: PracticeKey) => practiceText(language, key);
  return (
    <section
      ref={panel}
      class="card score"
      aria-labelledby="score-heading"
      data-testid="score-card"
      data-scenario={card.scenario}
      data-report={record ? 'coach' : 'missing'}
    >
      <h2 id="score-heading">{card.title}</h2>
      <p data-testid="score-outcome">{card.outcome}</p>
      {!record && (
        <p class="hint" data-testid="score-no-report">
          {tx('practice_card_no_report')}
        </p>
      )}
      <ul class="score__rules">
        {card.rules.map((rule) => (
          <li key={rule.ruleId} class={`score__rule score__rule--${rule.verdict}`} data-testid="score-rule" data-rule={rule.ruleId} data-verdict={rule.verdict} data-focus={rule.focus ? 'true' : 'false'}>
            <h3>
              {rule.name} <span class={`verdict verdict--${rule.verdict}`}>{rule.verdictLabel}</span>
              {rule.focus && <span class="hint"> · {tx('practice_card_focus')}</span>}
            </h3>
            {rule.wentWell.length > 0 && <NoteList title={tx('practice_card_went_well')} notes={rule.wentWell} kind="well" />}
            {rule.improve.length > 0 && <NoteList title={tx('practice_card_improve')} notes={rule.improve} kind="improve" />}
            {rule.tips.length > 0 && <NoteList title={tx('practice_card_tips')} notes={rule.tips} kind="tip" />}
            <div class="score__nudges">
              <h4>{tx('practice_card_nudges')}</h4>
              {rule.nudges.length === 0 ? (
                <p class="hint">{tx('practice_card_no_nudges')}</p>
              ) : (
                <ul>
                  {rule.nudges.map((n) => (
                    <li key={n.key} data-testid="score-nudge" data-rule={n.ruleId}>
                      <span class="transcript__time">{n.at}</span> “{n.text}”
                      <br />
                      <span class="hint">{practiceText(language, 'practice_card_why', { why: n.why })}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </li>
        ))}
      </ul>
      <button type="button" class="primary" data-testid="practice-again" onClick={props.onAgain}>
        {tx('practice_card_again')}
      </button>
    </section>
  );
}

function NoteList(props: { title: string; notes: readonly string[]; kind: 'well' | 'improve' | 'tip' }) {
  return (
    <div class={`score__notes score__notes--${props.kind}`} data-testid={`score-${props.kind}`}>
      <h4>{props.title}</h4>
      <ul>
        {props.notes.map((note, i) => (
          <li key={i}>{note}</li>
        ))}
      </ul>
    </div>
  );
}
