/**
 * The agent's shift in the worker, between the coach and the history: every changed call record
 * goes to its tab as the call card (with the coach's other tab messages: the agent is looking)
 * and into the history (when the coach's queue is idle); the
 * card's notes and messages come back through the coach (so they are recorded with the call);
 * reminders go to the softphone tabs, or to a desktop notification when no tab shows them.
 * Browser APIs come in as functions, so the wiring is tested with fakes.
 */
import type { CallRecord, CoachConfig, Nudge } from '../core/coach';
import type { AgentNote } from '../core/coach/types';
import type { BackgroundToContent, CardCall, ContentEnvelope, HistoryActionResult, MessageInput, TakeMessageResult } from '../core/messages';
import { cardOf } from './card';
import type { CoachRunner } from './coach-runner';
import type { HistoryService } from './history-service';

export type { ContentEnvelope } from '../core/messages';

export interface ShiftWiringDeps {
  /** Late-bound: the coach runner is created with this wiring's `showCards` and `saveRecords`. */
  coach(): Pick<CoachRunner, 'input' | 'record'>;
  /** Late-bound: the history service is created with this wiring's `remind`. */
  history(): HistoryService;
  loadConfig(): Promise<CoachConfig>;
  /** Resolves with the page's answer; rejects when the tab has no listener. */
  sendToContent(tabId: number, message: ContentEnvelope): Promise<unknown>;
  /** The open tabs of the configured softphone sites. */
  softphoneTabs(): Promise<number[]>;
  /** A desktop notification. */
  notify(nudge: Nudge): Promise<void>;
  now(): number;
}

export interface ShiftWiring {
  cardFor(record: CallRecord): Promise<CardCall>;
  /** The coach runner's `showCards`: each record's card to its tab. */
  showCards(records: readonly CallRecord[]): Promise<void>;
  /** The coach runner's `saveRecords`: into the history. */
  saveRecords(records: readonly CallRecord[]): Promise<void>;
  /** Send the card of a call the coach holds to its tab again (a message of it changed). */
  refreshCard(callKey: string): Promise<void>;
  remind(nudge: Nudge): Promise<void>;
  /** A note on a call's card. `tabId`: the tab it came from, which may note on its own calls only. */
  note(callKey: string, note: AgentNote, at: number, tabId?: number): Promise<void>;
  /** `requestId`: the page's id of one save (its retries carry it too), taken once per tab. */
  takeMessage(input: MessageInput, callKey: string | undefined, tabId?: number, requestId?: string): Promise<TakeMessageResult>;
  /** `tabId`: the tab asking, which may mark only messages taken on its own calls. */
  markDelivered(id: string, tabId?: number): Promise<HistoryActionResult>;
}

/** A call key is `${tabId}:${callId}`: a tab speaks for its own calls only. */
export const ownCall = (callKey: unknown, tabId: number | undefined): callKey is string =>
  typeof callKey === 'string' && (tabId === undefined || callKey.startsWith(`${tabId}:`));

export function createShiftWiring(deps: ShiftWiringDeps): ShiftWiring {
  const send = (tabId: number, card: CardCall) => deps.sendToContent(tabId, { type: 'card', payload: { card } }).catch(() => undefined);

  const wiring: ShiftWiring = {
    async cardFor(record) {
      const [config, messages] = await Promise.all([deps.loadConfig(), record.messages?.length ? deps.history().messages(record.messages) : []]);
      return cardOf(record, config, messages);
    },

    async showCards(records) {
      await Promise.all(records.map(async (record) => send(record.tabId, await wiring.cardFor(record))));
    },

    saveRecords: (records) => deps.history().saveRecords(records),

    async refreshCard(callKey) {
      const record = await deps.coach().record(callKey);
      if (record) await send(record.tabId, await wiring.cardFor(record));
    },

    async remind(nudge) {
      const answers = await Promise.all(
        (await deps.softphoneTabs()).map((tabId) =>
          deps.sendToContent(tabId, { type: 'reminder', payload: { nudge: { ...nudge, tabId } } }).catch(() => undefined),
        ),
      );
      // Shown now, or already (a reminder shown again after a worker stop): either way on screen.
      const seen = answers.some((a) => (a as BackgroundToContent['reminder']['response'] | undefined)?.visible === true);
      if (!seen) await deps.notify(nudge);
    },

    async note(callKey, note, at, tabId) {
      if (!ownCall(callKey, tabId)) return;
      await deps.coach().input({ kind: 'agent-note', callKey, note, at });
    },

    async takeMessage(input, callKey, tabId, requestId) {
      const own = callKey !== undefined && ownCall(callKey, tabId) ? callKey : undefined;
      const result = await deps.history().takeMessage(input, own, requestId === undefined ? undefined : `${tabId ?? 'ui'}:${requestId}`);
      // Noted on the call: its record lists the message, and its card shows it.
      if (result.ok && own !== undefined) {
        await deps.coach().input({ kind: 'agent-note', callKey: own, note: { type: 'message-taken', messageId: result.message.id }, at: deps.now() });
      }
      return result;
    },

    async markDelivered(id, tabId) {
      if (tabId !== undefined) {
        const [taken] = await deps.history().messages([id]);
        if (!taken || !ownCall(taken.callKey, tabId)) return { ok: false, message: 'not a message of this tab' };
      }
      const result = await deps.history().markDelivered(id);
      if (!result.ok) return result;
      const [message] = await deps.history().messages([id]);
      if (message?.callKey) await wiring.refreshCard(message.callKey);
      return result;
    },
  };
  return wiring;
}
