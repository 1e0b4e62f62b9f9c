// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import type { PracticePhoneSignal } from '../../../src/core/practice/channel';
import { PracticeApp, REPORT_RETRY_MS, SETTLE_MS, type PracticeEnv } from '../../../src/ui/practice/app';
import type { CallRecord } from '../../../src/core/coach/types';
import { ACTION_DELAY_MS, INCOMING_AFTER_MS, REPLY_DELAY_MS } from '../../../src/ui/practice/session';
import { createMockActions } from '../ui/mock-actions';

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function fakeEnv() {
  const signals: PracticePhoneSignal[] = [];
  const env: PracticeEnv = {
    dispatch: (s) => signals.push(s),
    ringtone: { start: vi.fn(), stop: vi.fn(), setMuted: vi.fn(), unlock: vi.fn() },
    voice: { available: () => false, speak: vi.fn(), cancel: vi.fn(), onChange: () => () => undefined },
    initialScenario: 'closing',
  };
  return { env, signals };
}

/** The coach's record of a call, as the history keeps it (only what the score card reads matters). */
function recordOf(callId: string, startedAt: number, nudges: CallRecord['nudges'], endedAt?: number): CallRecord {
  return {
    callKey: `5:${callId}`,
    callId,
    tabId: 5,
    source: 'practice',
    direction: 'inbound',
    startedAt,
    ...(endedAt !== undefined ? { endedAt } : {}),
    outcome: 'answered',
    holds: [],
    transfers: [],
    events: [],
    nudges,
    flags: [],
  };
}

const advance = (ms: number) =>
  act(() => {
    vi.advanceTimersByTime(ms);
  });

describe('the practice page', () => {
  it('runs a practice call in the agent’s language and ends with a score card that explains the nudge', async () => {
    const { env, signals } = fakeEnv();
    const actions = createMockActions({ agent: { name: 'Gene', language: 'lv' }, local: { organization: 'Du Bois Services' } });
    render(<PracticeApp actions={actions} env={env} />);
    const root = await screen.findByTestId('practice');
    await vi.waitFor(() => expect(root.dataset.ready).toBe('true'));
    expect(root.dataset.language).toBe('lv');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Mācību zvani');
    expect((screen.getByTestId('scenario-closing') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('voice-note').textContent).toContain('tikai kā teksts');

    fireEvent.click(screen.getByTestId('start'));
    expect(env.ringtone.unlock).toHaveBeenCalled();
    await advance(INCOMING_AFTER_MS);
    expect(screen.getByTestId('phone').dataset.phase).toBe('ringing');
    expect(screen.getByTestId('phone-status').textContent).toContain('Ienākošais zvans: Dace Ozola');
    expect(env.ringtone.start).toHaveBeenCalledWith('europe', expect.any(Number));
    await advance(5_500);
    expect(screen.getByTestId('ring-count').dataset.ring).toBe('2');

    fireEvent.click(screen.getByTestId('answer'));
    expect(screen.getByTestId('say-own-name').textContent).toBe('runā Gene');
    fireEvent.click(screen.getByTestId('say-whole-greeting'));
    await advance(REPLY_DELAY_MS);
    const caller = () => screen.getAllByTestId('transcript-item').filter((i) => i.dataset.who === 'caller');
    expect(caller().map((i) => i.dataset.line)).toEqual(['reason']);
    expect(caller()[0]!.textContent).toContain('Vēlos pagarināt savu abonementu');

    fireEvent.input(screen.getByTestId('free-text'), { target: { value: 'Paldies par zvanu! Uz redzēšanos!' } });
    fireEvent.submit(screen.getByTestId('free-text').closest('form')!);
    await advance(REPLY_DELAY_MS);
    expect(caller().map((i) => i.dataset.line)).toEqual(['reason', 'goodbye']);

    const clickAt = Date.now();
    fireEvent.click(screen.getByTestId('hangup'));
    expect(signals.at(-1)?.kind).toBe('before-hangup');
    await advance(ACTION_DELAY_MS);
    expect(screen.getByTestId('phone').dataset.phase).toBe('ended');
    const callId = signals[0]!.callId;
    const startedAt = Number(screen.getByTestId('phone').dataset.startedAt);
    // What the coach reported: this call's record, first still without its end (the history
    // catches up a moment later), and a record of another call, whose nudges are not this call's.
    const closingNudge = { key: `5:${callId}|closing|1`, ruleId: 'closing', kind: 'checklist', text: 'Beidzot zvanu — atzīmējiet, ko izdarījāt:', firedAt: clickAt } as const;
    actions.state.shift.records = [
      recordOf('other-call', startedAt, [{ ...closingNudge, key: '5:other-call|closing|1', text: 'x' }], startedAt + 1),
      recordOf(callId, startedAt, [closingNudge]),
    ];
    await advance(SETTLE_MS);
    expect(screen.queryByTestId('score-card')).toBeNull(); // its record has not ended yet
    actions.state.shift.records[1] = recordOf(callId, startedAt, [closingNudge], Date.now());
    await advance(REPORT_RETRY_MS);
    await vi.waitFor(() => expect(screen.getByTestId('score-card').dataset.report).toBe('coach'));

    const card = screen.getByTestId('score-card');
    expect(card.querySelector('h2')?.textContent).toBe('Novērtējums: Labs sarunas noslēgums');
    const closing = card.querySelector<HTMLElement>('[data-rule="closing"]')!;
    expect(closing.dataset.verdict).toBe('improve');
    expect(closing.textContent).toContain('Pirms zvana beigām pietrūka: apkopojums un jautājums “Vai varu vēl kā palīdzēt?”.');
    const nudges = closing.querySelectorAll('[data-testid="score-nudge"]');
    expect(nudges).toHaveLength(1);
    expect(nudges[0]!.textContent).toContain('Kāpēc: Jūs nospiedāt “Beigt zvanu”');
    expect(signals.filter((s) => s.kind !== 'said').map((s) => s.kind)).toEqual(['incoming', 'answered', 'before-hangup', 'hung-up']);
    // What was said reaches the coach as the phrases it recognised (its evidence), the caller's too.
    expect(signals.flatMap((s) => (s.kind === 'said' ? [`${s.who}:${s.line}`] : []))).toContain('caller:reason');
  });

  it('shows why the settings could not be loaded, and tries again', async () => {
    const { env } = fakeEnv();
    const actions = createMockActions();
    const getSettings = actions.getSettings.bind(actions);
    let fail = true;
    actions.getSettings = () => (fail ? Promise.reject(new Error('worker asleep')) : getSettings());
    render(<PracticeApp actions={actions} env={env} />);
    expect((await screen.findByTestId('load-error')).textContent).toContain('worker asleep');
    fail = false;
    fireEvent.click(screen.getByText('Try again'));
    await vi.waitFor(() => expect(screen.getByTestId('practice').dataset.ready).toBe('true'));
  });

  it('asks for the agent’s name and organization on first run, and opens the options for them', async () => {
    const { env } = fakeEnv();
    const actions = createMockActions();
    render(<PracticeApp actions={actions} env={env} />);
    fireEvent.click(await screen.findByTestId('open-options'));
    expect(screen.getByTestId('setup-missing').textContent).toContain('Your name or your organization is not set');
    expect(actions.callsOf('openOptionsPage')).toHaveLength(1);
  });

  it('says so when the coach’s record of the call cannot be read, and still scores the call', async () => {
    const { env } = fakeEnv();
    const actions = createMockActions({ agent: { name: 'Gene', language: null }, local: { organization: 'Acme' } });
    render(<PracticeApp actions={actions} env={env} />);
    await vi.waitFor(() => expect(screen.getByTestId('practice').dataset.ready).toBe('true'));
    expect(screen.queryByTestId('setup-missing')).toBeNull();
    fireEvent.click(screen.getByTestId('start'));
    await advance(INCOMING_AFTER_MS + 1_000);
    fireEvent.click(screen.getByTestId('answer'));
    fireEvent.click(screen.getByTestId('hangup'));
    await advance(ACTION_DELAY_MS);
    expect(screen.getByTestId('phone').dataset.phase).toBe('ended');
    await advance(SETTLE_MS);
    // Asked again while no record is there (each try waits for the answer, then the retry time).
    for (let i = 0; i < 40 && !screen.queryByTestId('score-card'); i++) await advance(REPORT_RETRY_MS);
    expect(actions.callsOf('coachRecords')).toHaveLength(10);
    await vi.waitFor(() => expect(screen.getByTestId('score-card').dataset.report).toBe('missing'));
    expect(screen.getByTestId('score-no-report').textContent).toContain('could not be read');
  });
});
