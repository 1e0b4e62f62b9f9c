// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ANNOUNCER_LINES_KEPT, createAnnouncer } from '../../../src/content/nudges/announcer';

afterEach(() => {
  vi.useRealTimers();
  document.body.innerHTML = '';
});

function setUp() {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const controller = new AbortController();
  const announcer = createAnnouncer(root, controller.signal);
  const lines = (live: 'polite' | 'assertive') => [...root.querySelectorAll(`.announcer[aria-live="${live}"] p`)].map((p) => p.textContent);
  return { announcer, lines, controller };
}

describe('the screen reader lines (nudges/announcer.ts)', () => {
  it('adds a nudge’s text a moment after it is shown, to the polite or the assertive region, and takes it out 10 s later', () => {
    vi.useFakeTimers();
    const { announcer, lines } = setUp();
    announcer.announce('Hold for over a minute', false);
    announcer.announce('Caller waiting', true);
    expect(lines('polite')).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(lines('polite')).toEqual(['Hold for over a minute']);
    expect(lines('assertive')).toEqual(['Caller waiting']);
    vi.advanceTimersByTime(9_999);
    expect(lines('polite')).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(lines('polite')).toEqual([]);
    expect(lines('assertive')).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it(`keeps at most ${ANNOUNCER_LINES_KEPT} lines per region however fast nudges come: the oldest leave first, with their timers`, () => {
    vi.useFakeTimers();
    const { announcer, lines } = setUp();
    for (let i = 1; i <= 500; i++) {
      announcer.announce(`Nudge ${i}`, false);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(100);
    expect(lines('polite')).toEqual(Array.from({ length: ANNOUNCER_LINES_KEPT }, (_, i) => `Nudge ${500 - ANNOUNCER_LINES_KEPT + 1 + i}`));
    // One timer per kept line, none for the lines taken out.
    expect(vi.getTimerCount()).toBe(ANNOUNCER_LINES_KEPT);
    vi.advanceTimersByTime(10_000);
    expect(lines('polite')).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says nothing for an empty text, or once the page is let go of', () => {
    vi.useFakeTimers();
    const { announcer, lines, controller } = setUp();
    announcer.announce('  ', false);
    announcer.announce('Kept', false);
    controller.abort();
    announcer.announce('After', false);
    vi.advanceTimersByTime(200);
    expect(lines('polite')).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
