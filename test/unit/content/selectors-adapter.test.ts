// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { SELECTOR_OBSERVABILITY, createSelectorAdapter } from '../../../src/content/adapters/selectors';
import type { CallEvent } from '../../../src/core/call-event';
import type { PageSignalSource } from '../../../src/content/page-bridge';
import type { WindowMessageSource } from '../../../src/content/adapters/adapter';
import { expectedConsole } from '../console-capture';

const page: PageSignalSource = { subscribe: () => undefined, rejected: 0 };
const windowMessages: WindowMessageSource = { subscribe: () => undefined };
// Two frames: the observer schedules its own frame only after the mutation, after ours.
const oneFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
const frame = async () => {
  await oneFrame();
  await oneFrame();
};

function start(selectors: Parameters<typeof createSelectorAdapter>[0]) {
  const events: CallEvent[] = [];
  const controller = new AbortController();
  createSelectorAdapter(selectors).start({ signal: controller.signal, page, windowMessages, emit: (e) => events.push(e) });
  return { events, controller };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('the selector adapter', () => {
  it('reports ringing when the indicator appears, and a missed call when it goes without an answer', async () => {
    document.body.innerHTML = '<div id="phone"><button id="answer">Answer</button></div>';
    const { events, controller } = start({ ringing: '.incoming', answer: '#answer' });
    const banner = document.createElement('div');
    banner.className = 'incoming';
    document.body.append(banner);
    await frame();
    expect(events.map((e) => e.type)).toEqual(['ringing']);
    banner.remove();
    await frame();
    expect(events.map((e) => e.type)).toEqual(['ringing', 'missed']);
    expect(events[0]!.callId).toBe(events[1]!.callId);
    // It says what it can observe (stamped on a call's first event): clicks, never a transfer's outcome (unknown, not failed).
    expect(createSelectorAdapter({}).observes).toEqual(SELECTOR_OBSERVABILITY);
    expect(SELECTOR_OBSERVABILITY.transferOutcome).toBe(false);
    // Without it on the call's first event, the coach would take it for a SIP call, whose
    // transfers' outcomes are seen, and a transfer ended by Hang up for a failed one.
    expect(events[0]!.observes).toEqual(SELECTOR_OBSERVABILITY);
    expect(events[1]!.observes).toBeUndefined();
    controller.abort();
  });

  it('ignores clicks that page scripts synthesise', async () => {
    document.body.innerHTML = '<div class="incoming"></div><button id="answer">Answer</button>';
    const { events, controller } = start({ ringing: '.incoming', answer: '#answer' });
    document.querySelector<HTMLButtonElement>('#answer')!.click();
    await frame();
    expect(events.map((e) => e.type)).toEqual(['ringing']);
    controller.abort();
  });

  it('skips an invalid selector instead of failing on every change', async () => {
    document.body.innerHTML = '<div class="incoming"></div>';
    const warnings = expectedConsole('warn');
    const { events, controller } = start({ ringing: '.incoming', hold: '##bad' });
    await frame();
    expect(events.map((e) => e.type)).toEqual(['ringing']);
    expect(warnings).toEqual(['[Second Ring] ignoring invalid selector "##bad"']);
    controller.abort();
  });

  it('stops watching when aborted', async () => {
    const { events, controller } = start({ ringing: '.incoming' });
    controller.abort();
    document.body.innerHTML = '<div class="incoming"></div>';
    await frame();
    expect(events).toEqual([]);
  });
});
