/**
 * The worker's messages to softphone tabs, as few as it can: what is sent to one tab in the same
 * turn (a coach step's dismissals, ring counter, nudges and cards, asked for together) goes as one
 * `several` message, each part answered on its own. A runtime message costs the page's main thread
 * the same to receive whatever it carries (core/messages.ts, BackgroundToTab), and the page is the
 * agent's softphone. One message alone goes as it is.
 *
 * A content script of an earlier version does not answer `several` (no answer it knows): the
 * parts then go one by one, in order. A tab that could not take the message (no listener: loading
 * or gone) fails every part, as each alone would have: sent again one by one, they could reach a
 * listener that came meanwhile after the next turn's message (a nudge after its own dismissal).
 * The coach keeps what was not delivered and sends it on the page's hello (coach-runner.ts).
 */
import { MAX_MESSAGES_IN_SEVERAL, readSeveralAnswers, type BackgroundToTab, type ContentEnvelope, type OneAnswer } from '../core/messages';

export type TabEnvelope = ContentEnvelope | { type: 'several'; payload: BackgroundToTab['several']['payload'] };

export interface TabMail {
  /** Resolves with the tab's answer to `message`; rejects when the tab has no listener or its handler failed. */
  send(tabId: number, message: ContentEnvelope): Promise<unknown>;
}

interface Waiting {
  message: ContentEnvelope;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * `post` sends one runtime message to a tab; `schedule` runs its callback once the current turn's
 * messages are asked for (a zero-delay timer in the worker: after the promise callbacks of this turn).
 */
export function createTabMail(post: (tabId: number, message: TabEnvelope) => Promise<unknown>, schedule: (run: () => void) => void): TabMail {
  let waiting = new Map<number, Waiting[]>();
  let scheduled = false;

  const oneByOne = (tabId: number, parts: readonly Waiting[]) => {
    for (const part of parts) post(tabId, part.message).then(part.resolve, part.reject);
  };

  const deliver = (tabId: number, parts: readonly Waiting[]) => {
    if (parts.length === 1) {
      oneByOne(tabId, parts);
      return;
    }
    post(tabId, { type: 'several', payload: { messages: parts.map((p) => p.message) } }).then(
      (reply) => {
        const answers = readSeveralAnswers(reply, parts.length);
        if (!answers) {
          oneByOne(tabId, parts);
          return;
        }
        parts.forEach((part, i) => {
          const answer = answers[i] as OneAnswer;
          if (answer.ok) part.resolve(answer.value);
          else part.reject(new Error(answer.error));
        });
      },
      // No listener (a tab loading or gone): each part fails with it.
      (error: unknown) => {
        for (const part of parts) part.reject(error);
      },
    );
  };

  const flush = () => {
    scheduled = false;
    const now = waiting;
    waiting = new Map();
    for (const [tabId, parts] of now) {
      for (let i = 0; i < parts.length; i += MAX_MESSAGES_IN_SEVERAL) deliver(tabId, parts.slice(i, i + MAX_MESSAGES_IN_SEVERAL));
    }
  };

  return {
    send(tabId, message) {
      return new Promise((resolve, reject) => {
        const parts = waiting.get(tabId);
        if (parts) parts.push({ message, resolve, reject });
        else waiting.set(tabId, [{ message, resolve, reject }]);
        if (!scheduled) {
          scheduled = true;
          schedule(flush);
        }
      });
    },
  };
}
