import { describe, expect, it } from 'vitest';
import { createTabMail, type TabEnvelope } from '../../../src/background/tab-mail';
import { answerSeveral, isEnvelope, MAX_MESSAGES_IN_SEVERAL, type BackgroundToContent, type BackgroundToTab, type ContentEnvelope, type Handlers } from '../../../src/core/messages';
import type { Nudge } from '../../../src/core/coach/types';

const nudge = (key: string) => ({ key, callKey: '7:c1', tabId: 7, ruleId: 'hold-check-back', text: key, severity: 'info', at: 0 }) as unknown as Nudge;

/**
 * A tab's content script as content/content-script.ts answers the worker: the handlers by type,
 * `several` only when `knowsSeveral` (a content script of an earlier version does not), anything
 * else unanswered (undefined, as the browser answers a message no listener took).
 */
function tab(options: { knowsSeveral?: boolean; failing?: string[] } = {}) {
  const handled: string[] = [];
  const handlers: Handlers<BackgroundToContent, true> = {
    showNudge: ({ nudge: n }) => {
      handled.push(`show ${n.key}`);
      if (options.failing?.includes(n.key)) throw new Error('coaching UI not loaded');
      return { shown: true };
    },
    dismissNudge: ({ key }) => void handled.push(`dismiss ${key}`),
    ringStatus: ({ callKey }) => void handled.push(`ring ${callKey}`),
    wakeAt: ({ at }) => void handled.push(`wake ${at}`),
    settings: () => undefined,
    card: ({ card }) => void handled.push(`card ${card.callKey}`),
    wiped: () => undefined,
    reminder: () => ({ shown: true, visible: false }),
  };
  const all = { ...handlers, several: (payload: unknown) => answerSeveral(payload, handlers, true) };
  const received: TabEnvelope[] = [];
  const receive = async (message: TabEnvelope): Promise<unknown> => {
    // As the wire does: the page gets a copy.
    received.push(structuredClone(message));
    // Each message is a task of its own in the page, as runtime messages are.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const known: Record<string, unknown> = options.knowsSeveral === false ? handlers : all;
    if (!isEnvelope<BackgroundToTab>(message, known as Record<keyof BackgroundToTab, unknown>)) return undefined;
    return (known[message.type] as (p: unknown, ctx: true) => unknown)(message.payload, true);
  };
  return { handled, received, receive };
}

/** A mail whose flush runs when the test says (the worker's zero-delay timer). */
function mail(post: (tabId: number, message: TabEnvelope) => Promise<unknown>) {
  const runs: (() => void)[] = [];
  const m = createTabMail(post, (run) => void runs.push(run));
  return {
    send: (tabId: number, message: ContentEnvelope) => m.send(tabId, message),
    flush: () => runs.splice(0).forEach((run) => run()),
    scheduled: () => runs.length,
  };
}

describe('the worker’s messages to a tab (tab-mail)', () => {
  it('sends what one turn has for a tab as one message, in order, each part answered on its own', async () => {
    const page = tab();
    const m = mail((_, message) => page.receive(message));
    const answers = Promise.all([
      m.send(7, { type: 'dismissNudge', payload: { key: 'a' } }),
      m.send(7, { type: 'showNudge', payload: { nudge: nudge('b') } }),
      m.send(7, { type: 'ringStatus', payload: { callKey: '7:c1', ring: null } }),
      m.send(7, { type: 'wakeAt', payload: { at: 5 } }),
    ]);
    expect(m.scheduled()).toBe(1);
    expect(page.received).toHaveLength(0);
    m.flush();
    expect(await answers).toEqual([undefined, { shown: true }, undefined, undefined]);
    expect(page.received.map((r) => r.type)).toEqual(['several']);
    expect(page.handled).toEqual(['dismiss a', 'show b', 'ring 7:c1', 'wake 5']);
  });

  it('sends a message that is alone as it is, and each tab its own', async () => {
    const seven = tab();
    const eight = tab();
    const m = mail((tabId, message) => (tabId === 7 ? seven : eight).receive(message));
    const answers = Promise.all([
      m.send(7, { type: 'showNudge', payload: { nudge: nudge('a') } }),
      m.send(8, { type: 'dismissNudge', payload: { key: 'x' } }),
      m.send(8, { type: 'wakeAt', payload: { at: 1 } }),
    ]);
    m.flush();
    expect(await answers).toEqual([{ shown: true }, undefined, undefined]);
    expect(seven.received.map((r) => r.type)).toEqual(['showNudge']);
    expect(eight.received.map((r) => r.type)).toEqual(['several']);
    expect(eight.handled).toEqual(['dismiss x', 'wake 1']);
  });

  it('fails only the part whose handler failed', async () => {
    const page = tab({ failing: ['b'] });
    const m = mail((_, message) => page.receive(message));
    const shown = m.send(7, { type: 'showNudge', payload: { nudge: nudge('a') } });
    const refused = m.send(7, { type: 'showNudge', payload: { nudge: nudge('b') } });
    m.flush();
    await expect(shown).resolves.toEqual({ shown: true });
    await expect(refused).rejects.toThrow('coaching UI not loaded');
    expect(page.received).toHaveLength(1);
  });

  it('sends the parts one by one, in order, to a content script that does not know `several`', async () => {
    const page = tab({ knowsSeveral: false });
    const m = mail((_, message) => page.receive(message));
    const answers = Promise.all([
      m.send(7, { type: 'dismissNudge', payload: { key: 'a' } }),
      m.send(7, { type: 'showNudge', payload: { nudge: nudge('b') } }),
    ]);
    m.flush();
    expect(await answers).toEqual([undefined, { shown: true }]);
    expect(page.received.map((r) => r.type)).toEqual(['several', 'dismissNudge', 'showNudge']);
    expect(page.handled).toEqual(['dismiss a', 'show b']);
  });

  it('fails every part when the tab had no listener, without sending them again (they would come after the next turn)', async () => {
    const posted: string[] = [];
    const m = mail(async (_, message) => {
      posted.push(message.type);
      throw new Error('Could not establish connection. Receiving end does not exist.');
    });
    const answers = [m.send(7, { type: 'dismissNudge', payload: { key: 'a' } }), m.send(7, { type: 'wakeAt', payload: { at: 1 } })];
    m.flush();
    for (const a of answers) await expect(a).rejects.toThrow('Receiving end does not exist');
    expect(posted).toEqual(['several']);
  });

  it(`sends at most ${MAX_MESSAGES_IN_SEVERAL} parts a message, and what comes after a flush in the next one`, async () => {
    const page = tab();
    const m = mail((_, message) => page.receive(message));
    const first = Array.from({ length: MAX_MESSAGES_IN_SEVERAL + 1 }, (_, i) => m.send(7, { type: 'dismissNudge', payload: { key: `k${i}` } }));
    m.flush();
    const later = m.send(7, { type: 'wakeAt', payload: { at: 2 } });
    expect(m.scheduled()).toBe(1);
    m.flush();
    await Promise.all([...first, later]);
    expect(page.received.map((r) => (r.type === 'several' ? r.payload.messages.length : r.type))).toEqual([MAX_MESSAGES_IN_SEVERAL, 'dismissNudge', 'wakeAt']);
    expect(page.handled.at(-1)).toBe('wake 2');
    expect(page.handled).toHaveLength(MAX_MESSAGES_IN_SEVERAL + 2);
  });
});

describe('a content script’s answer to `several` (answerSeveral)', () => {
  it('checks each part as a message of its own: what is none, and a nested `several`, fail alone', async () => {
    const handlers = { showNudge: () => ({ shown: true }) } as unknown as Handlers<BackgroundToContent, true>;
    const { answers } = await answerSeveral(
      { messages: [{ type: 'showNudge', payload: { nudge: nudge('a') } }, { type: 'several', payload: { messages: [] } }, { type: 'showNudge' }, 'junk'] },
      handlers,
      true,
    );
    expect(answers).toEqual([
      { ok: true, value: { shown: true } },
      { ok: false, error: 'not a message' },
      { ok: false, error: 'not a message' },
      { ok: false, error: 'not a message' },
    ]);
  });

  it('answers nothing to a payload without a list, or with more than it takes', async () => {
    const handlers = { showNudge: () => ({ shown: true }) } as unknown as Handlers<BackgroundToContent, true>;
    expect(await answerSeveral({}, handlers, true)).toEqual({ answers: [] });
    const many = Array.from({ length: MAX_MESSAGES_IN_SEVERAL + 1 }, () => ({ type: 'showNudge', payload: { nudge: nudge('a') } }));
    expect(await answerSeveral({ messages: many }, handlers, true)).toEqual({ answers: [] });
  });
});
