// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import type { PracticePhoneSignal } from '../../../src/core/practice/channel';
import { PracticeApp, SETTLE_MS, type PracticeEnv } from '../../../src/ui/practice/app';
import type { SeenNudge } from '../../../src/ui/practice/nudge-watch';
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
  let report: ((nudge: SeenNudge) => void) | undefined;
  const env: PracticeEnv = {
    dispatch: (s) => signals.push(s),
    ringtone: { start: vi.fn(), stop: vi.fn(), setMuted: vi.fn(), unlock: vi.fn() },
    voice: { available: () => false, speak: vi.fn(), cancel: vi.fn(), onChange: () => () => undefined },
    watchNudges: (onNudge) => (report = onNudge),
    initialScenario: 'closing',
  };
  return { env, signals, show: (nudge: SeenNudge) => act(() => report?.(nudge)) };
}

const advance = (ms: number) =>
  act(() => {
    vi.advanceTimersByTime(ms);
  });

describe('the practice page', () => {
  it('runs a practice call in the agent’s language and ends with a score card that explains the nudge', async () => {
    const { env, signals, show } = fakeEnv();
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
    await show({
      key: `5:${callId}|closing|1`,
      ruleId: 'closing',
      kind: 'checklist',
      text: 'Pirms beidzat zvanu:',
      firedAt: clickAt,
      shownAt: clickAt + 50,
    });
    // A nudge of another call (still on screen from before) is not this call's.
    await show({ key: '5:other-call|closing|1', ruleId: 'closing', kind: 'checklist', text: 'x', firedAt: startedAt, shownAt: startedAt });
    await advance(SETTLE_MS);

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
});
