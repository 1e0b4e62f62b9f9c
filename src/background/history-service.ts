/**
 * The history wired into the worker: every call record the coach writes is upserted, missed
 * calls and callback requests join the return-call queue, messages are kept until delivered,
 * reminders come at their time through an alarm, retention runs daily, the old `recentCalls`
 * list is imported once, and every storage failure is kept for the pages to show (coaching goes
 * on whatever the history does: nothing here throws).
 *
 * A wipe deletes every store that holds the calls: the coach's state and the screens first (see
 * `forgetCalls`), then IndexedDB, the old list and the reminder alarm.
 *
 * Reminders (undelivered messages after `take-message.reminderMinutes`; return calls
 * `return-call.reminderLeadMinutes` before their deadline, and once overdue) live in IndexedDB
 * with the entries they are about, so they survive a browser restart: the alarm is re-armed from
 * the stored entries whenever the worker starts. Each is shown once, then recorded with its entry
 * (`remindedAt`, `prompted`): a worker stopped in between shows it again under the same key, and
 * a key shown again replaces itself (the page shows a key once, a notification's id is its key),
 * so none is lost and none is seen twice. No alarm is set under 30 s ahead (the floor of packed builds);
 * one already due runs at once.
 */
import type { CallRecord, CoachConfig, Nudge, RuleId } from '../core/coach';
import { formatText } from '../core/coach';
import { addDays, localDate, startOfLocalDay } from '../core/business-days';
import { callsToCsv } from '../core/csv';
import { cleanName, isolate } from '../core/names';
import { todayWindow, type FigureWindow } from '../core/figures';
import type {
  FigureRange,
  HistoryActionResult,
  HistoryProblem,
  MessageInput,
  ReturnCallAction,
  TakeMessageResult,
} from '../core/messages';
import {
  createMessage,
  markDelivered,
  markReminded,
  messagesToRemind,
  nextMessageReminderAt,
  validateMessage,
  type TakenMessage,
} from '../core/messages-taken';
import {
  markDone,
  markPrompted,
  markToldCaller,
  nextReminderAt,
  pendingPrompts,
  queueCallback,
  queueFromMissedCall,
  reopen,
  returnCallIdForMessage,
  type ReturnCall,
} from '../core/return-calls';
import { toTimeline } from '../core/timeline';
import { PRACTICE_SOURCE } from '../core/call-event';
import { DEFAULT_RETENTION_DAYS, type HistoryResult, type HistoryStore } from './history';
import enMessages from '../../_locales/en/messages.json';
import lvMessages from '../../_locales/lv/messages.json';

export const REMINDER_ALARM = 'history-reminders';
export const RETENTION_ALARM = 'history-retention';
export const LEGACY_KEY = 'recentCalls';
export const PROBLEM_KEY = 'history/problem';
/** Chrome's minimum alarm delay for packed extensions. */
const MIN_ALARM_DELAY_MS = 30_000;
const DAY_MINUTES = 24 * 60;

export interface HistoryServiceDeps {
  store: HistoryStore;
  now(): number;
  loadConfig(): Promise<CoachConfig>;
  /** storage.local (the legacy list). */
  local: { get(key: string): Promise<unknown>; remove(key: string): Promise<void> };
  /** storage.session (the last storage problem, kept across worker restarts, gone with the browser). */
  session: { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> };
  alarms: {
    get(name: string): Promise<{ scheduledTime: number; periodInMinutes?: number } | undefined>;
    create(name: string, info: { when?: number; delayInMinutes?: number; periodInMinutes?: number }): Promise<void>;
    clear(name: string): Promise<void>;
  };
  /** Show a reminder to the agent (softphone tabs, else a desktop notification). */
  remind(nudge: Nudge): Promise<void>;
  /**
   * Everything else that holds the calls a wipe deletes: the coach's persisted state (its calls'
   * names and numbers) and what the tabs and notifications show. Run first on a wipe, so that
   * no coach step after it can write a wiped call back into the history.
   */
  forgetCalls(): Promise<void>;
  newId(): string;
  retentionDays?: number;
}

export interface HistoryService {
  /** The coach's `record-call` effects: upsert, and queue the return call a missed call is owed (practice calls excepted). */
  saveRecords(records: readonly CallRecord[]): Promise<void>;
  /** The history's copies of these messages (for the call card), absent ones left out. */
  messages(ids: readonly string[]): Promise<TakenMessage[]>;
  /**
   * `requestKey`: one save's key (a retry carries the same): a message already taken under it
   * is answered again, not taken twice.
   */
  takeMessage(input: MessageInput, callKey?: string, requestKey?: string): Promise<TakeMessageResult>;
  markDelivered(id: string): Promise<HistoryActionResult>;
  returnCallAction(id: string, action: ReturnCallAction): Promise<HistoryActionResult>;
  /** Calls that started at or after `since`, oldest first, with the number of damaged ones skipped. */
  calls(since?: number, until?: number): Promise<{ calls: CallRecord[]; skipped: number }>;
  outstandingReturnCalls(): Promise<ReturnCall[]>;
  allReturnCalls(): Promise<ReturnCall[]>;
  messagesToDeliver(): Promise<TakenMessage[]>;
  counts(): Promise<{ calls: number; messages: number; returnCalls: number } | null>;
  exportCalls(format: 'csv' | 'timeline', range: FigureRange): Promise<{ ok: true; fileName: string; text: string; mimeType: string } | { ok: false; message: string }>;
  wipe(): Promise<HistoryActionResult>;
  /** Once per profile: the stand-in store's list comes in, then its key goes. */
  importLegacy(): Promise<void>;
  enforceRetention(): Promise<void>;
  /** Make sure the daily retention alarm exists (its first run a day from now). */
  ensureRetentionAlarm(): Promise<void>;
  /** Show what is due, record it, and arm the alarm for the next one. */
  runReminders(): Promise<void>;
  problem(): Promise<HistoryProblem | null>;
}

type Messages = Readonly<Record<string, { message: string } | undefined>>;
const LOCALES: Record<'en' | 'lv', Messages> = { en: enMessages, lv: lvMessages };

/** A `history_` string of the configured language. */
export function historyText(language: 'en' | 'lv', key: string, params: Record<string, string | number> = {}): string {
  const entry = LOCALES[language][key] ?? LOCALES.en[key];
  return entry ? formatText(entry.message, params) : `[${key}]`;
}

/** The window of a figures range in the team's zone: today, or the last 7 or 30 local days up to today. */
export function rangeWindow(range: FigureRange, now: number, timeZone: string): FigureWindow {
  const today = todayWindow(now, timeZone);
  if (range === 'today') return today;
  const days = range === '7d' ? 7 : 30;
  return { from: startOfLocalDay(addDays(localDate(now, timeZone), -(days - 1)), timeZone), until: today.until, now };
}

/** "Fri 16:30" in the team's zone and the agent's language. */
export function formatDue(at: number, language: 'en' | 'lv', timeZone: string): string {
  return new Intl.DateTimeFormat(language === 'lv' ? 'lv-LV' : 'en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** Names and numbers are isolated in the text (core/names.ts): it may become a desktop notification. */
const callerOf = (language: 'en' | 'lv', caller: ReturnCall['caller']): string =>
  caller.name && caller.number && caller.name !== caller.number
    ? `${isolate(cleanName(caller.name))}, ${isolate(cleanName(caller.number))}`
    : caller.name
      ? isolate(cleanName(caller.name))
      : caller.number
        ? isolate(cleanName(caller.number))
        : historyText(language, 'history_unknown_caller');

export function createHistoryService(deps: HistoryServiceDeps): HistoryService {
  const { store } = deps;
  const retentionDays = deps.retentionDays ?? DEFAULT_RETENTION_DAYS;
  /** Reminder runs one at a time (an alarm and a save can both start one). */
  let reminding: Promise<void> = Promise.resolve();

  async function noteProblem<T>(result: HistoryResult<T>): Promise<HistoryResult<T>> {
    if (!result.ok) {
      console.error('[Second Ring] history:', result.error.message);
      const problem: HistoryProblem = { kind: result.error.kind, message: result.error.message, at: deps.now() };
      await deps.session.set(PROBLEM_KEY, problem).catch(() => undefined);
    }
    return result;
  }

  /** A write went through: an earlier problem is over. */
  async function clearProblem(): Promise<void> {
    if ((await deps.session.get(PROBLEM_KEY).catch(() => undefined)) !== undefined) {
      await deps.session.set(PROBLEM_KEY, null).catch(() => undefined);
    }
  }

  async function written<T>(result: HistoryResult<T>): Promise<HistoryResult<T>> {
    if (result.ok) await clearProblem();
    return noteProblem(result);
  }

  const listOrEmpty = async <T>(result: Promise<HistoryResult<{ items: T[]; skipped: number }>>): Promise<{ items: T[]; skipped: number }> => {
    const r = await noteProblem(await result);
    return r.ok ? r.value : { items: [], skipped: 0 };
  };

  async function queueReturnCall(entry: ReturnCall): Promise<boolean> {
    const added = await written(await store.addReturnCall(entry));
    return added.ok && added.value.added;
  }

  async function armReminders(config: CoachConfig, messages: readonly TakenMessage[], entries: readonly ReturnCall[]): Promise<void> {
    const now = deps.now();
    const candidates: number[] = [];
    if (config.rules['take-message'].enabled) {
      const at = nextMessageReminderAt(messages, config.rules['take-message'].reminderMinutes * 60_000);
      if (at !== null) candidates.push(at);
    }
    if (config.rules['return-call'].enabled) {
      const at = nextReminderAt(entries, now, config.rules['return-call'].reminderLeadMinutes * 60_000);
      if (at !== null) candidates.push(at);
    }
    if (candidates.length === 0) {
      await deps.alarms.clear(REMINDER_ALARM).catch(() => undefined);
      return;
    }
    const when = Math.max(Math.min(...candidates), now + MIN_ALARM_DELAY_MS);
    await deps.alarms.create(REMINDER_ALARM, { when }).catch((error: unknown) => console.error('[Second Ring] reminder alarm not set:', error));
  }

  async function reminderRun(): Promise<void> {
    const config = await deps.loadConfig();
    const language = config.language;
    const timeZone = config.businessHours.timeZone;
    const now = deps.now();
    const messages = (await listOrEmpty(store.listMessages({ status: 'to-deliver' }))).items;
    const entries = (await listOrEmpty(store.listReturnCalls({ outstanding: true }))).items;
    const nudge = (key: string, ruleId: RuleId, text: string, severity: Nudge['severity']): Nudge => ({
      key,
      callKey: '',
      tabId: 0,
      ruleId,
      occurrence: 1,
      severity,
      kind: 'toast',
      text,
      firedAt: now,
    });

    // Shown, then recorded: a worker stopped in between shows it again with the same key, which
    // replaces it (the page shows a key once; a notification's id is the key), so none is lost.
    const show = (reminder: Nudge) => deps.remind(reminder).catch((error: unknown) => console.error('[Second Ring] reminder not shown:', error));
    const messageRule = config.rules['take-message'];
    if (messageRule.enabled) {
      for (const message of messagesToRemind(messages, now, messageRule.reminderMinutes * 60_000)) {
        const text = historyText(language, 'history_reminder_message', { forWhom: isolate(cleanName(message.forWhom)), caller: isolate(cleanName(message.callerName)) });
        await show(nudge(`message:${message.id}|take-message|reminder`, 'take-message', text, messageRule.severity));
        const saved = await written(await store.putMessage(markReminded(message, now)));
        if (!saved.ok) continue;
        const index = messages.findIndex((m) => m.id === message.id);
        if (index >= 0) messages[index] = markReminded(message, now);
      }
    }
    const returnRule = config.rules['return-call'];
    if (returnRule.enabled) {
      for (const prompt of pendingPrompts(entries, now, returnRule.reminderLeadMinutes * 60_000)) {
        const text = historyText(language, prompt.kind === 'overdue' ? 'history_reminder_overdue' : 'history_reminder_will_miss', {
          caller: callerOf(language, prompt.entry.caller),
          due: formatDue(prompt.deadline, language, timeZone),
        });
        await show(nudge(prompt.key, 'return-call', text, returnRule.severity));
        const marked = markPrompted(prompt.entry, prompt.kind);
        const saved = await written(await store.putReturnCall(marked));
        if (!saved.ok) continue;
        const index = entries.findIndex((e) => e.id === marked.id);
        if (index >= 0) entries[index] = marked;
      }
    }
    await armReminders(config, messages, entries);
  }

  const runReminders = (): Promise<void> => {
    reminding = reminding.then(reminderRun).catch((error: unknown) => console.error('[Second Ring] reminders failed:', error));
    return reminding;
  };

  return {
    async saveRecords(all) {
      // Practice calls are coached like real ones but are not the shift's: no history, no
      // figures, no return call owed to a simulated caller.
      const records = all.filter((r) => r.source !== PRACTICE_SOURCE);
      if (records.length === 0) return;
      const saved = await written(await store.upsertCalls(records));
      if (saved.ok && saved.value.rejected > 0) console.warn(`[Second Ring] ${saved.value.rejected} call record(s) refused by the history`);
      const config = await deps.loadConfig();
      if (!config.rules['return-call'].enabled) return;
      let queued = false;
      for (const record of records) {
        const entry = queueFromMissedCall(record, config.businessHours);
        if (entry && (await queueReturnCall(entry))) queued = true;
      }
      if (queued) await runReminders();
    },

    async messages(ids) {
      const out: TakenMessage[] = [];
      for (const id of ids) {
        const got = await noteProblem(await store.getMessage(id));
        if (got.ok && got.value) out.push(got.value);
      }
      return out;
    },

    async takeMessage(input, callKey, requestKey) {
      const checked = validateMessage(input);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      const id = requestKey === undefined ? deps.newId() : `request:${requestKey}`;
      if (requestKey !== undefined) {
        const before = await store.getMessage(id);
        if (before.ok && before.value) return { ok: true, message: before.value };
      }
      const now = deps.now();
      const message = createMessage(checked.value, { id, createdAt: now, ...(callKey !== undefined ? { callKey } : {}) });
      const saved = await written(await store.putMessage(message));
      if (!saved.ok) return { ok: false, errors: [{ path: '', code: 'storage', message: saved.error.message }] };
      if (message.callbackWanted) {
        const config = await deps.loadConfig();
        const caller: ReturnCall['caller'] = { name: message.callerName };
        if (message.callbackNumber !== undefined) caller.number = message.callbackNumber;
        await queueReturnCall(
          queueCallback(
            {
              id: returnCallIdForMessage(message.id),
              at: now,
              caller,
              messageId: message.id,
              assignee: message.forWhom,
              note: message.text,
              ...(callKey !== undefined ? { callKey } : {}),
            },
            config.businessHours,
          ),
        );
      }
      await runReminders();
      return { ok: true, message };
    },

    async markDelivered(id) {
      const got = await noteProblem(await store.getMessage(id));
      if (!got.ok) return { ok: false, message: got.error.message };
      if (!got.value) return { ok: false, message: `No message ${id}` };
      const saved = await written(await store.putMessage(markDelivered(got.value, deps.now())));
      if (!saved.ok) return { ok: false, message: saved.error.message };
      await runReminders();
      return { ok: true };
    },

    async returnCallAction(id, action) {
      const got = await noteProblem(await store.getReturnCall(id));
      if (!got.ok) return { ok: false, message: got.error.message };
      if (!got.value) return { ok: false, message: `No return call ${id}` };
      const now = deps.now();
      const result =
        action.type === 'done' ? markDone(got.value, now) : action.type === 'reopen' ? reopen(got.value) : markToldCaller(got.value, now, action.promisedAt);
      if (!result.ok) return { ok: false, message: result.reason };
      const saved = await written(await store.putReturnCall(result.entry));
      if (!saved.ok) return { ok: false, message: saved.error.message };
      await runReminders();
      return { ok: true };
    },

    async calls(since, until) {
      const listed = await listOrEmpty(store.listCalls({ ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) }));
      return { calls: listed.items, skipped: listed.skipped };
    },

    async outstandingReturnCalls() {
      return (await listOrEmpty(store.listReturnCalls({ outstanding: true }))).items;
    },

    async allReturnCalls() {
      return (await listOrEmpty(store.listReturnCalls())).items;
    },

    async messagesToDeliver() {
      return (await listOrEmpty(store.listMessages({ status: 'to-deliver' }))).items;
    },

    async counts() {
      const counted = await noteProblem(await store.counts());
      return counted.ok ? counted.value : null;
    },

    async exportCalls(format, range) {
      const config = await deps.loadConfig();
      const timeZone = config.businessHours.timeZone;
      const now = deps.now();
      const window = rangeWindow(range, now, timeZone);
      const listed = await noteProblem(await store.listCalls({ since: window.from, until: window.until }));
      if (!listed.ok) return { ok: false, message: listed.error.message };
      const date = localDate(now, timeZone);
      const records = listed.value.items;
      if (format === 'csv') {
        return { ok: true, fileName: `second-ring-calls-${range}-${date}.csv`, text: callsToCsv(records, { timeZone, bom: true }), mimeType: 'text/csv;charset=utf-8' };
      }
      const { timeline } = toTimeline(records, { timeZone, description: `Second Ring history export, ${range}, ${date}` });
      return { ok: true, fileName: `second-ring-timeline-${range}-${date}.json`, text: `${JSON.stringify(timeline, null, 2)}\n`, mimeType: 'application/json' };
    },

    async wipe() {
      // The history's own stores whatever happens elsewhere; a failure anywhere is reported.
      const forgotten = await deps.forgetCalls().then(
        () => null,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      const wiped = await written(await store.wipe());
      if (!wiped.ok) return { ok: false, message: wiped.error.message };
      // The old list too: a wipe is everything, and a later import must not bring it back.
      await deps.local.remove(LEGACY_KEY).catch(() => undefined);
      await deps.alarms.clear(REMINDER_ALARM).catch(() => undefined);
      if (forgotten !== null) {
        console.error('[Second Ring] wipe: the coach or the screens not cleared:', forgotten);
        return { ok: false, message: forgotten };
      }
      return { ok: true };
    },

    async importLegacy() {
      const legacy = await deps.local.get(LEGACY_KEY).catch(() => undefined);
      if (legacy === undefined) return;
      const imported = await written(await store.importLegacy(legacy, deps.now()));
      if (!imported.ok) return; // Kept for the next start.
      await deps.local.remove(LEGACY_KEY);
      const { imported: count, alreadyPresent, skipped } = imported.value;
      console.info(`[Second Ring] imported ${count} call record(s) into the history (${alreadyPresent} already there, ${skipped} unreadable)`);
    },

    async enforceRetention() {
      await written(await store.enforceRetention(deps.now(), retentionDays));
    },

    async ensureRetentionAlarm() {
      const existing = await deps.alarms.get(RETENTION_ALARM).catch(() => undefined);
      if (existing?.periodInMinutes === DAY_MINUTES) return;
      // Daily from a day on; the browser's start runs it once besides (see index.ts).
      await deps.alarms.create(RETENTION_ALARM, { delayInMinutes: DAY_MINUTES, periodInMinutes: DAY_MINUTES });
    },

    runReminders,

    async problem() {
      const stored = await deps.session.get(PROBLEM_KEY).catch(() => undefined);
      return isProblem(stored) ? stored : null;
    },
  };
}

function isProblem(value: unknown): value is HistoryProblem {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<HistoryProblem>;
  return typeof p.kind === 'string' && typeof p.message === 'string' && typeof p.at === 'number';
}

/** The text ids of the reminder texts, for the locale test. */
export const HISTORY_TEXT_KEYS = ['history_reminder_message', 'history_reminder_will_miss', 'history_reminder_overdue', 'history_unknown_caller'] as const;
