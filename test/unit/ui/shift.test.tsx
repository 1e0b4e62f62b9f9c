// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { PopupApp } from '../../../src/ui/popup/app';
import { createMockActions } from './mock-actions';
import type { CardCall } from '../../../src/core/messages';
import type { ReturnCall } from '../../../src/core/return-calls';
import { playCalls } from '../core/recorded-history';

afterEach(cleanup);

// Wednesday 2026-03-04 12:00 in Riga.
const NOW = Date.parse('2026-03-04T12:00:00+02:00');

const liveCard: CardCall = {
  callKey: '7:c1',
  tabId: 7,
  direction: 'inbound',
  state: 'connected',
  startedAt: NOW - 30_000,
  answeredAt: NOW - 24_000,
  remote: { displayName: 'Anna K', number: '+37120000000' },
  language: 'en',
  greeting: { items: [{ id: 'greeting', text: 'Hello,' }, { id: 'ownName', text: 'this is Anna' }], checked: [] },
  messages: [],
};

const queued: ReturnCall = {
  id: 'call:7:m1',
  callKey: '7:m1',
  caller: { name: 'Pēteris', number: '+37129999999' },
  reason: 'missed',
  createdAt: NOW - 3_600_000,
  dueAt: Date.parse('2026-03-05T17:00:00+02:00'),
  sameDayTarget: Date.parse('2026-03-04T17:00:00+02:00'),
  status: 'open',
};

function shiftActions() {
  const records = playCalls((p) => {
    p.inbound('a', NOW - 3_600_000);
    p.answered('a', NOW - 3_600_000 + 6_000);
    p.ended('a', NOW - 3_500_000);
    p.inbound('m1', NOW - 3_000_000);
    p.missed('m1', NOW - 2_990_000);
  });
  return createMockActions({
    shift: { now: NOW, cards: [liveCard], records, messages: [], returnCalls: [queued], problem: null },
  });
}

describe('the popup during a shift', () => {
  it("shows the call on now as its card, and sends the card's ticks and notes to the background", async () => {
    const actions = shiftActions();
    render(<PopupApp actions={actions} refreshMs={0} />);
    const cardHost = await screen.findByTestId('popup-card');
    // Name and number each in their own <bdi> (names from the network are isolated on screen).
    expect(cardHost.querySelector('[data-caller]')?.textContent).toBe('Anna K · +37120000000');
    fireEvent.click(cardHost.querySelector('input[data-item="ownName"]')!);
    await waitFor(() => expect(actions.callsOf('cardNote')).toEqual([['7:c1', { type: 'greeting-part', part: 'ownName', checked: true }]]));
    const name = cardHost.querySelector('[data-field="caller-name"]') as HTMLInputElement;
    fireEvent.input(name, { target: { value: 'Jānis' } });
    fireEvent.submit(name.form!);
    await waitFor(() => expect(actions.callsOf('cardNote')).toContainEqual(['7:c1', { type: 'caller-name', name: 'Jānis' }]));
  });

  it("shows today's figures", async () => {
    render(<PopupApp actions={shiftActions()} refreshMs={0} />);
    const today = await screen.findByTestId('popup-today');
    expect(today.querySelector('[data-testid="figure-taken"]')?.getAttribute('data-value')).toBe('1');
    expect(today.querySelector('[data-testid="figure-missed"]')?.getAttribute('data-value')).toBe('1');
    expect(today.querySelector('[data-testid="figure-returns-owed"]')?.getAttribute('data-value')).toBe('1');
  });

  it('says so when there is no call, and takes a message without one: refused without a name and a recipient', async () => {
    const actions = createMockActions();
    render(<PopupApp actions={actions} refreshMs={0} />);
    expect((await screen.findByTestId('popup-no-call')).textContent).toBe('No call right now.');
    fireEvent.click(screen.getByTestId('popup-take-message'));
    const form = document.querySelector('[data-form="message"]') as HTMLFormElement;
    fireEvent.submit(form);
    await waitFor(() => expect([...form.querySelectorAll('[data-error]')].map((e) => (e as HTMLElement).dataset.error)).toEqual(['callerName', 'forWhom', 'text']));
    const field = (name: string) => form.querySelector(`[data-field="${name}"]`) as HTMLInputElement;
    fireEvent.input(field('callerName'), { target: { value: 'Jānis' } });
    fireEvent.input(field('forWhom'), { target: { value: 'Ilze' } });
    fireEvent.input(field('text'), { target: { value: 'Call back, please.' } });
    fireEvent.submit(form);
    expect((await screen.findByTestId('popup-message-saved')).textContent).toBe('Message for Ilze saved. Deliver it now.');
    const item = await screen.findByTestId('message');
    expect(item.textContent).toContain('For Ilze, from Jānis');
    fireEvent.click(within(item).getByTestId('message-delivered'));
    await waitFor(() => expect(screen.queryByTestId('message')).toBeNull());
    expect(actions.callsOf('markMessageDelivered')).toEqual([['m1']]);
  });

  it('lists the return calls with their due time and same-day target, and marks one returned', async () => {
    const actions = shiftActions();
    render(<PopupApp actions={actions} refreshMs={0} />);
    const entry = await screen.findByTestId('return-call');
    expect(entry.textContent).toContain('Pēteris · +37129999999 · missed call');
    expect(within(entry).getByTestId('return-call-due').textContent).toBe('Due Thu 17:00 · same day if possible: by Wed 17:00');
    fireEvent.click(within(entry).getByTestId('return-call-done'));
    await waitFor(() => expect(screen.queryByTestId('return-call')).toBeNull());
    expect(actions.callsOf('returnCallAction')).toEqual([['call:7:m1', { type: 'done' }]]);
  });

  it('records that the caller was told a new time', async () => {
    const actions = shiftActions();
    render(<PopupApp actions={actions} refreshMs={0} />);
    const entry = await screen.findByTestId('return-call');
    fireEvent.click(within(entry).getByTestId('return-call-tell'));
    const when = within(entry).getByTestId('return-call-promised') as HTMLInputElement;
    const promised = new Date(Date.now() + 2 * 86_400_000);
    promised.setSeconds(0, 0);
    const pad = (n: number) => String(n).padStart(2, '0');
    fireEvent.input(when, { target: { value: `${promised.getFullYear()}-${pad(promised.getMonth() + 1)}-${pad(promised.getDate())}T${pad(promised.getHours())}:${pad(promised.getMinutes())}` } });
    fireEvent.submit(within(entry).getByTestId('return-call-tell-form'));
    await waitFor(() => expect(actions.callsOf('returnCallAction')).toEqual([['call:7:m1', { type: 'told-caller', promisedAt: promised.getTime() }]]));
  });

  it('shows a storage problem of the history, and that coaching goes on', async () => {
    const actions = createMockActions();
    actions.state.shift.problem = { kind: 'quota', message: 'QuotaExceededError', at: NOW };
    render(<PopupApp actions={actions} refreshMs={0} />);
    const banner = await screen.findByTestId('history-problem');
    expect(banner.textContent).toContain('The browser storage for Second Ring is full');
    expect(banner.textContent).toContain('Coaching goes on.');
  });

  it('says when the coach runs from memory, and when a damaged coach state was set aside', async () => {
    const actions = createMockActions();
    render(<PopupApp actions={actions} refreshMs={0} />);
    await screen.findByTestId('popup-now');
    expect(screen.queryByTestId('coach-status')).toBeNull();
    cleanup();
    actions.state.shift.coach = {
      memoryOnly: { since: NOW, reason: 'Session storage quota bytes exceeded' },
      setAside: { count: 2, at: NOW, reason: 'coach › calls: Invalid type' },
    };
    render(<PopupApp actions={actions} refreshMs={0} />);
    expect((await screen.findByTestId('coach-memory-only')).textContent).toContain('goes on coaching from memory');
    expect(screen.getByTestId('coach-memory-only').textContent).toContain('Session storage quota bytes exceeded');
    expect(screen.getByTestId('coach-set-aside').dataset.count).toBe('2');
    expect(screen.getByTestId('coach-set-aside').textContent).toContain('coach › calls: Invalid type');
  });

  it('opens the figures page', async () => {
    const actions = createMockActions();
    render(<PopupApp actions={actions} refreshMs={0} />);
    fireEvent.click(await screen.findByTestId('popup-open-figures'));
    expect(actions.callsOf('openFiguresPage')).toHaveLength(1);
  });
});
