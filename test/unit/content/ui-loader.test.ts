import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_UI_KEY, createUiLoader, type ContentUi } from '../../../src/content/ui-loader';
import type { NudgeView } from '../../../src/content/nudges/mount';

const world = globalThis as { [CONTENT_UI_KEY]?: ContentUi };
afterEach(() => {
  delete world[CONTENT_UI_KEY];
});

/** A view that records what was applied to it, in order; show() keeps the once-per-key rule. */
function recordingView(log: string[]): NudgeView {
  const seen = new Set<string>();
  return {
    setLanguage: (language) => void log.push(`language ${language}`),
    show: (nudge) => {
      if (seen.has(nudge.key)) return false;
      seen.add(nudge.key);
      log.push(`show ${nudge.key}`);
      return true;
    },
    dismiss: (key) => void log.push(`dismiss ${key}`),
    setRing: (callKey, ring) => void log.push(`ring ${callKey} ${ring === null ? 'off' : 'on'}`),
    setCard: (card) => void log.push(`card ${card.callKey}`),
    remind: () => ({ shown: false, visible: true }),
    clear: () => void log.push('clear'),
  };
}

/** An injection the test completes by hand, as the background's executeScript would: the UI appears in this world. */
function deferredInjection() {
  /** The answer given before the loader asked (it asks a microtask after the first message). */
  let early: boolean | undefined;
  let finish: ((ok: boolean) => void) | undefined;
  let asked = 0;
  const settle = (ok: boolean, resolve: (ok: boolean) => void) => {
    if (ok) world[CONTENT_UI_KEY] = { version: '1.0.0' } as ContentUi;
    resolve(ok);
  };
  const inject = () => {
    asked++;
    return new Promise<boolean>((resolve) => {
      if (early !== undefined) {
        const ok = early;
        early = undefined;
        settle(ok, resolve);
      } else {
        finish = (ok) => settle(ok, resolve);
      }
    });
  };
  return {
    inject,
    finish: (ok: boolean) => {
      if (finish) {
        const f = finish;
        finish = undefined;
        f(ok);
      } else early = ok;
    },
    asked: () => asked,
  };
}

const nudge = (key: string) => ({ key }) as Parameters<NudgeView['show']>[0];

describe('the content script loads the coaching UI when first needed', () => {
  it('queues what arrives before the UI is there and applies it once, in arrival order', async () => {
    const log: string[] = [];
    const injection = deferredInjection();
    let created = 0;
    const ui = createUiLoader({ version: '1.0.0', inject: injection.inject, create: () => (created++, recordingView(log)) });
    expect(ui.requested).toBe(false);

    const ring = ui.withView((v) => v.setRing('1:a', { callKey: '1:a' } as never));
    const shown = ui.withView((v) => v.show(nudge('1:a|answer-window|1')));
    const again = ui.withView((v) => v.show(nudge('1:a|answer-window|1')));
    ui.preload();
    const card = ui.withView((v) => v.setCard({ callKey: '1:a' } as never));
    expect(ui.requested).toBe(true);
    expect(ui.ready).toBeUndefined();
    expect(log).toEqual([]);

    injection.finish(true);
    await Promise.all([ring, shown, again, card]);
    expect(await shown).toBe(true);
    expect(await again).toBe(false);
    expect(log).toEqual(['ring 1:a on', 'show 1:a|answer-window|1', 'card 1:a']);
    expect(injection.asked()).toBe(1);
    expect(created).toBe(1);

    // Once loaded and drained, calls go straight through, synchronously.
    expect(ui.ready).toBeDefined();
    expect(ui.withView((v) => v.show(nudge('1:a|closing|1')))).toBe(true);
    expect(log.at(-1)).toBe('show 1:a|closing|1');
  });

  it('a message that arrives while the queue drains still comes after it', async () => {
    const log: string[] = [];
    const injection = deferredInjection();
    const ui = createUiLoader({ version: '1.0.0', inject: injection.inject, create: () => recordingView(log) });
    const first = ui.withView((v) => v.show(nudge('k1')));
    injection.finish(true);
    // The view exists now, but k1 has not been applied yet: k2 must wait behind it.
    const second = ui.withView((v) => v.show(nudge('k2')));
    await Promise.all([first, second]);
    expect(log).toEqual(['show k1', 'show k2']);
  });

  it('uses a UI already in this world without asking the background (the practice page imports it)', async () => {
    const log: string[] = [];
    world[CONTENT_UI_KEY] = { version: '1.0.0' } as ContentUi;
    let asked = 0;
    const ui = createUiLoader({ version: '1.0.0', inject: () => (asked++, Promise.resolve(true)), create: () => recordingView(log) });
    expect(await ui.withView((v) => v.show(nudge('k')))).toBe(true);
    expect(asked).toBe(0);
  });

  it('does not use a UI another version of the extension left in this world', async () => {
    const log: string[] = [];
    world[CONTENT_UI_KEY] = { version: '0.9.0' } as ContentUi;
    const injection = deferredInjection();
    const ui = createUiLoader({ version: '1.0.0', inject: injection.inject, create: (found) => (log.push(`created from ${found.version}`), recordingView(log)) });
    const shown = ui.withView((v) => v.show(nudge('k')));
    injection.finish(true);
    expect(await shown).toBe(true);
    expect(injection.asked()).toBe(1);
    expect(log).toEqual(['created from 1.0.0', 'show k']);
  });

  it('a failed injection reports the queued messages as not applied (the background keeps them), and the next message tries again', async () => {
    const log: string[] = [];
    const injection = deferredInjection();
    const ui = createUiLoader({ version: '1.0.0', inject: injection.inject, create: () => recordingView(log) });
    const lost = ui.withView((v) => v.show(nudge('k1')));
    injection.finish(false);
    expect(await lost).toBeUndefined();
    expect(ui.requested).toBe(false);

    const retried = ui.withView((v) => v.show(nudge('k1')));
    injection.finish(true);
    expect(await retried).toBe(true);
    expect(injection.asked()).toBe(2);
    expect(log).toEqual(['show k1']);
  });
});
