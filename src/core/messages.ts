/**
 * The extension's own message protocol: one map per direction, each entry the payload and
 * the response. Handlers and senders both take their types from here; nothing is `any`.
 */
import type { CallDirection, CallEvent, RemoteParty } from './call-event';
import type { AgentNote, CallRecord, ChecklistItem, Language, Nudge, NudgeResponse, RingStatus } from './coach/types';
import type { CoachConfig, CoachConfigInput, ConfigError, SiteSelectors, SoftphoneSite } from './coach/config';
import type { MessageErrorCode, MessageStatus, TakenMessage } from './messages-taken';
import type { ReturnCall } from './return-calls';
import type { ImportMode } from './rule-pack';
import type { KeyedConfigError } from './config-layers';
import type { DayFigures, ShiftFigures } from './figures';

/** Call events one `callEvents` message carries at most (a content script's link sends more as several). */
export const MAX_CALL_EVENTS_PER_MESSAGE = 100;

export interface ContentToBackground {
  /**
   * What adapters saw happen on calls in this tab, in order: one event, or those that queued up
   * while the previous message was in flight (at most MAX_CALL_EVENTS_PER_MESSAGE); stepped in
   * order in one job, saved once, carried out once. `eventKey`: unique per event of this page (its
   * run id and a counter); a retry after a worker stop sends the same key, applied once.
   */
  callEvents: { payload: { events: { event: CallEvent; eventKey?: string }[] }; response: void };
  /** A deadline this tab was asked to keep has come (see BackgroundToContent.wakeAt). */
  tick: { payload: Record<string, never>; response: void };
  nudgeResponse: { payload: { key: string; response: NudgeResponse; at: number }; response: void };
  /**
   * A (re)loaded page asks what it should show now: open nudges, ring counters, deadline, call
   * cards. Sent once, at page start, by the content script's starter.
   */
  hello: {
    /**
     * `openPage`: this script was injected into a page that was already open (install, update,
     * a site added), not started by a page load: the tab's calls live on.
     * `hook`: the page hook greeted the content script (protocol ≥ 2; a protocol-1 hook shows
     * itself by its first signal): its protocol version, when it was installed, whether it came
     * after the page (late attachment), and when the greeting arrived. Absent: no hook spoke.
     */
    payload: { openPage?: boolean; hook?: { v: number; since: number; late: boolean; at: number } };
    response: {
      language: Language;
      /** The configured site this page belongs to (which adapter, which selectors), if any. */
      site: SoftphoneSite | null;
      nudges: Nudge[];
      rings: RingStatus[];
      wakeAt: number | null;
      /** The cards of this tab's calls the coach still holds (live, or finished a short while ago). */
      cards: CardCall[];
    };
  };
  /** The agent noted something on the call card (a call of this tab only). */
  agentNote: { payload: { callKey: string; note: AgentNote; at: number }; response: void };
  /**
   * The call card's message form; refused (with every error) when invalid. `requestId`: the same
   * for every retry of one save (the link retries after a worker stop), so the message is taken once.
   */
  takeMessage: { payload: { input: MessageInput; callKey?: string; requestId?: string }; response: TakeMessageResult };
  markMessageDelivered: { payload: { id: string }; response: HistoryActionResult };
  /**
   * The starter saw evidence of a call (content-script.ts): inject the coaching part
   * (content-coaching.ts) into this frame; true once it ran. `withUi`: a call is starting (an
   * INVITE, a vendor's call, something on screen for this tab): the coaching UI comes in the same
   * injection, so the first call does not wait for a second round trip.
   */
  loadCoaching: { payload: { withUi?: boolean }; response: boolean };
  /** The content script needs the coaching UI (a call started): inject it into this frame; true once it ran. */
  loadUi: { payload: Record<string, never>; response: boolean };
}

/**
 * The call card: what the agent sees of one call, on the softphone page and in the popup. Built
 * by the background from the coach's call record (and the configuration, for the checklists'
 * texts) every time the record changes. Names and numbers come from the network or the agent:
 * text only.
 */
export interface CardCall {
  callKey: string;
  tabId: number;
  direction: CallDirection;
  state: CardState;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  /** While the agent holds the caller: since when (the card's hold timer). */
  holdSince?: number;
  /** From the softphone (display name, number). */
  remote?: RemoteParty;
  /** As the agent typed it on the card. */
  callerName?: string;
  /** The language of the checklists' texts. */
  language: Language;
  /**
   * Inbound, from the answer on: the team's greeting, filled in, as a checklist of its parts —
   * only the parts that are known (`missing`: what the agent still has to set up, first run, and
   * `setupNote`: the line asking for it, in the card's language).
   */
  greeting?: { items: ChecklistItem[]; checked: string[]; missing?: GreetingSetup[]; setupNote?: string };
  /** Once the coach showed the closing checklist: its nudge key (ticks go to it), items and ticks. */
  closing?: { key: string; items: ChecklistItem[]; checked: string[] };
  /** Messages taken on this call. */
  messages: { id: string; forWhom: string; status: MessageStatus }[];
}

/** A setting the greeting needs that is not set yet: the part that names it is left out. */
export type GreetingSetup = 'agent-name' | 'organization';

export type CardState = 'ringing' | 'dialing' | 'connected' | 'on-hold' | 'ended' | 'missed';

/** The message form as typed (validated by the background with `validateMessage`). */
export interface MessageInput {
  callerName: string;
  forWhom: string;
  callbackWanted: boolean;
  callbackNumber: string;
  text: string;
}

export type TakeMessageResult =
  | { ok: true; message: TakenMessage }
  | { ok: false; errors: { path: string; code: MessageErrorCode | 'storage'; message: string }[] };

/** A history operation: done, or why not (a storage failure, an unknown id, a refused change). */
export type HistoryActionResult = { ok: true } | { ok: false; message: string };

/** A storage failure as the pages show it (see background/history/errors.ts). */
export interface HistoryProblem {
  kind: 'quota' | 'blocked' | 'corrupt' | 'unavailable';
  message: string;
  /** When it last happened (epoch ms). */
  at: number;
}

/** What the popup says about the coach itself (background/coach-runner.ts). */
export interface CoachStatus {
  /** Saves are refused (or the state is too large): coaching goes on from memory since `since`. */
  memoryOnly?: { since: number; reason: string };
  /** Damaged coach states set aside since the browser started, and why the last one was. */
  setAside?: { count: number; at: number; reason: string };
  /** Effects dropped from a full outbox since the worker started. */
  droppedEffects?: number;
}

/** What the popup shows besides the settings: the calls on now, the work still to do, today's figures. */
export interface ShiftView {
  now: number;
  timeZone: string;
  language: Language;
  cards: CardCall[];
  messages: TakenMessage[];
  returnCalls: ReturnCall[];
  today: ShiftFigures | null;
  problem: HistoryProblem | null;
  /** The coach's own state: absent when all is well. */
  coach?: CoachStatus;
}

export type FigureRange = 'today' | '7d' | '30d';

/** The figures page: the chosen window's figures, the last days for the chart, the queues. */
export interface FiguresView {
  now: number;
  timeZone: string;
  language: Language;
  range: FigureRange;
  figures: ShiftFigures | null;
  daily: DayFigures[];
  messages: TakenMessage[];
  returnCalls: ReturnCall[];
  counts: { calls: number; messages: number; returnCalls: number } | null;
  /** Damaged records left out of the figures. */
  skipped: number;
  problem: HistoryProblem | null;
  /** The coach configuration in force (the team lead view replays imported timelines with it). */
  config: CoachConfig;
}

export type ReturnCallAction =
  | { type: 'done' }
  | { type: 'told-caller'; promisedAt: number }
  | { type: 'reopen' };

export interface BackgroundToContent {
  showNudge: { payload: { nudge: Nudge }; response: { shown: boolean } };
  dismissNudge: { payload: { key: string }; response: void };
  ringStatus: { payload: { callKey: string; ring: RingStatus | null }; response: void };
  /**
   * Keep a timer for the coach's next deadline and send `tick` then. MV3 alarms cannot go
   * under 30 s in packed builds and the answer window is seconds, so the tab keeps the time.
   */
  wakeAt: { payload: { at: number | null }; response: void };
  /** The language or this page's site settings changed: apply without a reload. */
  /** `site` absent: unchanged (the background could not see which site the tab is). */
  settings: { payload: { language: Language; site?: SoftphoneSite | null }; response: void };
  /** A call of this tab changed: its card as it is now. */
  card: { payload: { card: CardCall }; response: void };
  /** The history was deleted: the calls' cards, nudges, ring counters and reminders on screen go too. */
  wiped: { payload: Record<string, never>; response: void };
  /** A reminder from the history (an undelivered message, a return call due): shown like a nudge. */
  reminder: { payload: { nudge: Nudge }; response: { shown: boolean; visible: boolean } };
}

/** One message of BackgroundToContent as it goes on the wire. */
export type ContentEnvelope<K extends keyof BackgroundToContent = keyof BackgroundToContent> = K extends keyof BackgroundToContent
  ? { type: K; payload: BackgroundToContent[K]['payload'] }
  : never;

/** What a content script answered to one message of `several`: its handler's value, or why it failed. */
export type OneAnswer = { ok: true; value?: unknown } | { ok: false; error: string };

/** Messages one `several` carries at most (the worker sends more as several `several`). */
export const MAX_MESSAGES_IN_SEVERAL = 64;

/**
 * What the worker sends a softphone tab: the messages above, and `several` of them at once. Every
 * runtime message costs the page's main thread the same to receive whatever it carries (about
 * 50 µs of script and 0.3 ms of task time, measured in the bench's page), and one coach step has
 * several for a tab (a nudge, the one it replaces, the ring counter, the card, the deadline). A
 * content script of an earlier version does not answer `several`: the worker then sends its
 * messages one by one (background/tab-mail.ts).
 */
export interface BackgroundToTab extends BackgroundToContent {
  /** In the order the worker sent them; each is checked and handled as if it came alone, and answered on its own. */
  several: { payload: { messages: ContentEnvelope[] }; response: { answers: OneAnswer[] } };
}

/**
 * A content script's answer to `several`: each message checked as an envelope of `handlers`
 * (never a nested `several`) and started in order, as separate messages would be; a handler that
 * throws fails its own answer only.
 */
export async function answerSeveral<Ctx>(payload: unknown, handlers: Handlers<BackgroundToContent, Ctx>, ctx: Ctx): Promise<{ answers: OneAnswer[] }> {
  const messages = (payload as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length > MAX_MESSAGES_IN_SEVERAL) return { answers: [] };
  const answers = messages.map((raw: unknown) => {
    if (!isEnvelope<BackgroundToContent>(raw, handlers)) return { ok: false, error: 'not a message' } satisfies OneAnswer;
    const handler = handlers[raw.type] as (payload: unknown, ctx: Ctx) => unknown;
    return Promise.resolve()
      .then(() => handler(raw.payload, ctx))
      .then(
        (value): OneAnswer => (value === undefined ? { ok: true } : { ok: true, value }),
        (error: unknown): OneAnswer => ({ ok: false, error: error instanceof Error ? error.message : 'An unexpected error occurred' }),
      );
  });
  return { answers: await Promise.all(answers) };
}

/** The answers to a `several` of `count` messages, or undefined when it is none (a content script that does not know `several`). */
export function readSeveralAnswers(reply: unknown, count: number): OneAnswer[] | undefined {
  if (typeof reply !== 'object' || reply === null) return undefined;
  const { answers } = reply as { answers?: unknown };
  if (!Array.isArray(answers) || answers.length !== count) return undefined;
  const ok = answers.every(
    (a: unknown) => typeof a === 'object' && a !== null && ((a as OneAnswer).ok === true || ((a as OneAnswer).ok === false && typeof (a as { error?: unknown }).error === 'string')),
  );
  return ok ? (answers as OneAnswer[]) : undefined;
}

/** The agent's own settings (not the team's): stored per browser profile, never pushed by policy. */
export interface AgentSettings {
  name: string;
  /** null: follow the team's language, or the browser's when the team set none. */
  language: Language | null;
}

/** A configured site and what the browser lets us do there. */
/** One softphone frame the extension reached after its site became active (background/coverage.ts). */
export interface TabCoverage {
  tabId: number;
  frameId: number;
  url: string;
  /** When the site became active (registered), when the scripts were injected, when the hook greeted. */
  activatedAt?: number;
  injectedAt?: number;
  attachedAt?: number;
  /** The hook came after the page (attached to an open socket). */
  late?: boolean;
  hookVersion?: number;
}

/** A softphone tab the extension could not attach to: the popup offers to reload it. */
export interface UncoachedTab {
  tabId: number;
  title: string;
  url: string;
  /** Playing sound (a call may be on): no reload is offered then. */
  audible: boolean;
}

export interface SiteStatus {
  site: SoftphoneSite;
  /** The browser granted host access to this pattern. */
  granted: boolean;
  /** The page hook and content script are registered for it (start on the next load). */
  registered: boolean;
  /** Comes from enterprise policy: shown locked. */
  fromPolicy: boolean;
}

/** Everything the options page and popup show, in one answer. */
export interface SettingsView {
  /** The configuration in force (policy merged over the team lead's local settings). */
  effective: CoachConfig;
  /** What the options page saved locally (partial input, as stored). */
  local: CoachConfigInput;
  /** What enterprise policy pushed (after refusing what broke the schema). */
  policy: CoachConfigInput;
  /** Dotted paths set by policy, e.g. "rules.hold-check-back.intervalSeconds", "sites". */
  locked: string[];
  errors: { local: KeyedConfigError[]; policy: KeyedConfigError[] };
  /**
   * Which local configuration is in force: the one saved; the last valid one (the saved one was
   * refused when read: `errors.local` says why); or the defaults (refused, and none valid known).
   */
  inForce: 'saved' | 'last-valid' | 'defaults';
  agent: AgentSettings;
  /** The browser's UI language, mapped to a product language. */
  browserLanguage: Language;
  /** The language in force for this agent. */
  language: Language;
  sites: SiteStatus[];
}

export type RulePackPreview =
  | { ok: true; dropped: KeyedConfigError[]; losingAccess: Record<ImportMode, string[]> }
  | { ok: false; errors: KeyedConfigError[] };

export type SelectorTestResult = Partial<Record<keyof SiteSelectors, { matches: number } | { error: string }>>;

/** Messages from the extension's own pages (options, popup). The background rejects any other sender. */
export interface UiToBackground {
  getSettings: { payload: Record<string, never>; response: SettingsView };
  /** Replace the team lead's local configuration; refused (with every error) when invalid. */
  saveTeamConfig: { payload: { input: CoachConfigInput }; response: { ok: true } | { ok: false; errors: ConfigError[] } };
  saveAgentSettings: { payload: AgentSettings; response: { ok: true } | { ok: false; errors: ConfigError[] } };
  /**
   * What importing a rule pack file would do, before anything changes: the values left out, and
   * per choice (merge into the local configuration, or replace it) the sites that would lose
   * access. Refused (with every reason) when nothing of it can be imported.
   */
  previewRulePack: { payload: { text: string }; response: RulePackPreview };
  /** Import a rule pack file's text as the team lead chose; the configuration in force stays when it is refused. */
  importRulePack: { payload: { text: string; mode: ImportMode }; response: { ok: true } | { ok: false; errors: KeyedConfigError[] } };
  /** The effective configuration as a rule pack / policy JSON. */
  exportRulePack: { payload: Record<string, never>; response: { text: string } };
  /** Open tabs that belong to a site pattern (to reload them, or to test selectors in). */
  siteTabs: { payload: { pattern: string }; response: { id: number; title: string; url: string }[] };
  reloadTabs: { payload: { tabIds: number[] }; response: void };
  /** Softphone tabs the extension could not attach to (background/coverage.ts). */
  uncoachedTabs: { payload: Record<string, never>; response: UncoachedTab[] };
  /** Reload one of them; refused (false) while the tab plays sound. */
  reloadUncoachedTab: { payload: { tabId: number }; response: { reloaded: boolean } };
  testSelectors: { payload: { tabId: number; selectors: SiteSelectors }; response: SelectorTestResult };
  /** The popup: cards of the calls on now, messages to deliver, return calls owed, today's figures. */
  shiftView: { payload: Record<string, never>; response: ShiftView };
  figuresView: { payload: { range: FigureRange; chartDays: number }; response: FiguresView };
  /** A note on a call's card from the popup (as the page's card sends it). */
  cardNote: { payload: { callKey: string; note: AgentNote }; response: void };
  /** A checklist tick from the popup's card (closing checklist: its nudge key). */
  cardCheck: { payload: { key: string; itemId: string; checked: boolean }; response: void };
  takeMessage: { payload: { input: MessageInput; callKey?: string }; response: TakeMessageResult };
  markMessageDelivered: { payload: { id: string }; response: HistoryActionResult };
  returnCallAction: { payload: { id: string; action: ReturnCallAction }; response: HistoryActionResult };
  /** The window's calls as CSV (with BOM) or as a call-timeline JSON file. */
  exportHistory: {
    payload: { format: 'csv' | 'timeline'; range: FigureRange };
    response: { ok: true; fileName: string; text: string; mimeType: string } | { ok: false; message: string };
  };
  /** Delete the whole history (calls, messages, return calls). */
  wipeHistory: { payload: Record<string, never>; response: HistoryActionResult };
  /** The records of the calls the coach holds now (live, or finished a short while ago; practice calls too, which the history never keeps). */
  coachRecords: { payload: Record<string, never>; response: CallRecord[] };
  /** The history's call records, oldest first (tests; a later call list). */
  listCalls: { payload: { since?: number }; response: { calls: CallRecord[]; problem: HistoryProblem | null } };
}

/** Any of the maps above: every entry a payload and a response. */
export type MessageMap<M> = { [K in keyof M]: { payload: unknown; response: unknown } };

/** The envelope on the wire: `{ type, payload }`, typed by the map it belongs to. */
export type Envelope<M extends MessageMap<M>, K extends keyof M = keyof M> = K extends keyof M
  ? { type: K; payload: M[K]['payload'] }
  : never;

export type Handlers<M extends MessageMap<M>, Ctx> = {
  [K in keyof M]: (payload: M[K]['payload'], ctx: Ctx) => M[K]['response'] | Promise<M[K]['response']>;
};

/** Structural check of an envelope's outer shape; payloads are checked by their handlers' readers. */
export function isEnvelope<M extends MessageMap<M>>(raw: unknown, handlers: Record<keyof M, unknown>): raw is Envelope<M> {
  if (typeof raw !== 'object' || raw === null) return false;
  const { type, payload } = raw as { type?: unknown; payload?: unknown };
  return typeof type === 'string' && Object.hasOwn(handlers, type) && typeof payload === 'object' && payload !== null;
}
