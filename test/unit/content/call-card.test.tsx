// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { CallCard, callerLine, formatDuration, type CardActions } from '../../../src/content/card/call-card';
import type { CardCall, MessageInput, TakeMessageResult } from '../../../src/core/messages';

afterEach(cleanup);

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const always = () => true;

function card(extra: Partial<CardCall> = {}): CardCall {
  return {
    callKey: '7:c1',
    tabId: 7,
    direction: 'inbound',
    state: 'connected',
    startedAt: T0,
    answeredAt: T0 + 6_000,
    remote: { displayName: 'Anna K', number: '+37120000000' },
    language: 'en',
    greeting: {
      items: [
        { id: 'greeting', text: 'Hello,' },
        { id: 'ownName', text: 'this is Anna' },
        { id: 'organization', text: 'with Acme.' },
        { id: 'offer', text: 'How can I help you today?' },
      ],
      checked: [],
    },
    messages: [],
    ...extra,
  };
}

function actions(result?: TakeMessageResult) {
  const calls: [string, ...unknown[]][] = [];
  const a: CardActions = {
    callerName: (...args) => void calls.push(['callerName', ...args]),
    greeting: (...args) => void calls.push(['greeting', ...args]),
    closing: (...args) => void calls.push(['closing', ...args]),
    saveMessage: async (callKey: string, input: MessageInput) => {
      calls.push(['saveMessage', callKey, input]);
      return result;
    },
    delivered: (...args) => void calls.push(['delivered', ...args]),
  };
  return { a, calls };
}

const section = (container: Element) => container.querySelector('section.card') as HTMLElement;

describe('the call card', () => {
  it("shows the state, the talk time, the hold timer and the caller, as text", () => {
    const { a } = actions();
    const { container, rerender } = render(<CallCard card={card()} language="en" now={T0 + 6_000 + 75_000} actions={a} trusted={always} />);
    expect(section(container).dataset.state).toBe('connected');
    expect(container.querySelector('.card__state')?.textContent).toBe('On the call');
    expect(container.querySelector('[data-timer]')?.textContent).toBe('1:15');
    expect(container.querySelector('[data-caller]')?.textContent).toBe('Anna K · +37120000000');
    rerender(<CallCard card={card({ state: 'on-hold', holdSince: T0 + 60_000 })} language="lv" now={T0 + 105_000} actions={a} trusted={always} />);
    expect(container.querySelector('.card__state')?.textContent).toBe('Zvans ir aizturēts');
    expect(container.querySelector('[data-hold]')?.textContent).toBe(' · aizturēts 0:45');
    // A display name with markup stays text.
    rerender(<CallCard card={card({ remote: { displayName: '<img src=x onerror=alert(1)>' } })} language="en" now={T0} actions={a} trusted={always} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('[data-caller]')?.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('formats durations and names the caller as the card does', () => {
    expect(formatDuration(7_400)).toBe('0:07');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(callerLine(card({ remote: undefined }), 'en')).toBe('Unknown caller');
    expect(callerLine(card({ callerName: 'Jānis' }), 'en')).toBe('Jānis · +37120000000');
    expect(callerLine(card({ remote: { displayName: '100', number: '100' } }), 'en')).toBe('100');
  });

  it("notes the caller's name on Enter, and then keeps it in view as a reminder", () => {
    const { a, calls } = actions();
    const { container, rerender } = render(<CallCard card={card()} language="en" now={T0} actions={a} trusted={always} />);
    const field = container.querySelector('[data-field="caller-name"]') as HTMLInputElement;
    fireEvent.input(field, { target: { value: '  Jānis   Bērziņš ' } });
    fireEvent.submit(field.form!);
    expect(calls).toEqual([['callerName', '7:c1', 'Jānis Bērziņš']]);
    rerender(<CallCard card={card({ callerName: 'Jānis Bērziņš' })} language="en" now={T0} actions={a} trusted={always} />);
    expect(container.querySelector('[data-use-name]')?.textContent).toBe('Use their name: \u2068Jānis Bērziņš\u2069');
    fireEvent.submit(field.form!); // the same name again: nothing to note
    expect(calls).toHaveLength(1);
  });

  it('ticks greeting parts with a click, Space or Enter, and shows them ticked at once', () => {
    const { a, calls } = actions();
    const { container } = render(<CallCard card={card()} language="en" now={T0} actions={a} trusted={always} />);
    const box = (id: string) => container.querySelector(`[data-list="greeting"] input[data-item="${id}"]`) as HTMLInputElement;
    fireEvent.click(box('greeting'));
    fireEvent.keyDown(box('ownName'), { key: 'Enter' });
    expect(calls).toEqual([
      ['greeting', '7:c1', 'greeting', true],
      ['greeting', '7:c1', 'ownName', true],
    ]);
    expect(box('ownName').checked).toBe(true);
  });

  it("sends closing ticks for the card's call", () => {
    const { a, calls } = actions();
    const closing = { key: '7:c1|closing|1', items: [{ id: 'recap', text: 'Recap' }, { id: 'thank', text: 'Thank them' }], checked: ['recap'] };
    const { container } = render(<CallCard card={card({ state: 'ended', endedAt: T0 + 60_000, closing })} language="en" now={T0} actions={a} trusted={always} />);
    const recap = container.querySelector('[data-list="closing"] input[data-item="recap"]') as HTMLInputElement;
    expect(recap.checked).toBe(true);
    fireEvent.click(container.querySelector('[data-list="closing"] input[data-item="thank"]')!);
    expect(calls).toEqual([['closing', '7:c1', 'thank', true]]); // the card's call, not a nudge key to pick apart
  });

  it('ignores events a page script made up (not trusted)', () => {
    const { a, calls } = actions();
    const { container } = render(<CallCard card={card()} language="en" now={T0} actions={a} />);
    fireEvent.click(container.querySelector('input[data-item="greeting"]')!);
    const field = container.querySelector('[data-field="caller-name"]') as HTMLInputElement;
    fireEvent.submit(field.form!);
    fireEvent.click(container.querySelector('[data-action="take-message"]')!);
    expect(calls).toEqual([]);
    expect(container.querySelector('[data-form="message"]')).toBeNull();
  });

  it('gives the focus back to the page on Escape, and never takes it on its own', () => {
    const onEscape = vi.fn();
    const { a } = actions();
    const before = document.activeElement;
    const { container } = render(<CallCard card={card()} language="en" now={T0} actions={a} trusted={always} onEscape={onEscape} />);
    expect(document.activeElement).toBe(before);
    fireEvent.keyDown(container.querySelector('[data-field="caller-name"]')!, { key: 'Escape' });
    expect(onEscape).toHaveBeenCalledTimes(1);
  });

  it('takes a message: the errors come back by field, the first gets the focus, and a saved one is confirmed', async () => {
    const refused: TakeMessageResult = {
      ok: false,
      errors: [
        { path: 'forWhom', code: 'required', message: 'Required' },
        { path: 'callbackNumber', code: 'not-a-phone-number', message: 'x' },
      ],
    };
    const first = actions(refused);
    const { container } = render(<CallCard card={card({ callerName: 'Jānis' })} language="en" now={T0} actions={first.a} trusted={always} />);
    fireEvent.click(container.querySelector('[data-action="take-message"]')!);
    const form = container.querySelector('[data-form="message"]') as HTMLFormElement;
    expect((form.querySelector('[data-field="callerName"]') as HTMLInputElement).value).toBe('Jānis');
    expect(document.activeElement).toBe(form.querySelector('[data-field="callerName"]'));
    fireEvent.click(form.querySelector('[data-field="callbackWanted"]')!);
    expect((form.querySelector('[data-field="callbackNumber"]') as HTMLInputElement).value).toBe('+37120000000');
    fireEvent.submit(form);
    await waitFor(() => expect(form.querySelector('[data-error="forWhom"]')?.textContent).toBe('Required'));
    expect(form.querySelector('[data-error="callbackNumber"]')?.textContent).toMatch(/Not a phone number/);
    expect(document.activeElement).toBe(form.querySelector('[data-field="forWhom"]'));
    expect(first.calls[0]).toEqual(['saveMessage', '7:c1', { callerName: 'Jānis', forWhom: '', callbackWanted: true, callbackNumber: '+37120000000', text: '' }]);
    cleanup();

    const message = { id: 'm1', callerName: 'Jānis', forWhom: 'Ilze', callbackWanted: false, text: 'Hi', status: 'to-deliver' as const, createdAt: T0 };
    const second = actions({ ok: true, message });
    const view = render(<CallCard card={card()} language="en" now={T0} actions={second.a} trusted={always} />);
    fireEvent.click(view.container.querySelector('[data-action="take-message"]')!);
    fireEvent.submit(view.container.querySelector('[data-form="message"]')!);
    await screen.findByText('Message for \u2068Ilze\u2069 saved. Deliver it now.');
    expect(view.container.querySelector('[data-form="message"]')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(view.container.querySelector('[data-action="take-message"]')));
  });

  it('shows each name and number from the network in its own <bdi>', () => {
    const { a } = actions();
    const { container } = render(
      <CallCard card={card({ callerName: undefined, remote: { displayName: 'محمد', number: '+37120000000' } })} language="en" now={T0} actions={a} trusted={always} />,
    );
    const parts = [...container.querySelectorAll('[data-caller] bdi')].map((b) => b.textContent);
    expect(parts).toEqual(['محمد', '+37120000000']);
    expect(container.querySelector('[data-caller]')?.textContent).toBe('محمد · +37120000000');
  });

  it("lists the call's messages, and marks one delivered", () => {
    const { a, calls } = actions();
    const { container } = render(
      <CallCard card={card({ messages: [{ id: 'm1', forWhom: 'Ilze', status: 'to-deliver' }, { id: 'm2', forWhom: 'Pēteris', status: 'delivered' }] })} language="en" now={T0} actions={a} trusted={always} />,
    );
    const items = container.querySelectorAll('[data-message]');
    expect([...items].map((i) => i.textContent)).toEqual(['For \u2068Ilze\u2069: to deliverMark delivered', 'For \u2068Pēteris\u2069: delivered']);
    fireEvent.click(items[0]!.querySelector('[data-action="delivered"]')!);
    expect(calls).toEqual([['delivered', 'm1']]);
  });

  it('collapses to its header, and offers to close only a finished call', () => {
    const { a } = actions();
    const onToggle = vi.fn();
    const onClose = vi.fn();
    const { container, rerender } = render(<CallCard card={card()} language="en" now={T0} actions={a} trusted={always} collapsed onToggle={onToggle} onClose={onClose} />);
    expect(container.querySelector('[data-list="greeting"]')).toBeNull();
    expect(container.querySelector('[data-action="close"]')).toBeNull();
    fireEvent.click(container.querySelector('[data-action="toggle"]')!);
    expect(onToggle).toHaveBeenCalled();
    rerender(<CallCard card={card({ state: 'ended', endedAt: T0 + 1 })} language="en" now={T0} actions={a} trusted={always} onClose={onClose} />);
    fireEvent.click(container.querySelector('[data-action="close"]')!);
    expect(onClose).toHaveBeenCalled();
  });
});
