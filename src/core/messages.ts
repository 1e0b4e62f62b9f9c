/**
 * The extension's own message protocol: one map per direction, each entry the payload and
 * the response. Handlers and senders both take their types from here; nothing is `any`.
 */
import type { CallEvent } from './call-event';
import type { Language, Nudge, NudgeResponse, RingStatus } from './coach/types';
import type { CoachConfig, CoachConfigInput, ConfigError, SiteSelectors, SoftphoneSite } from './coach/config';

export interface ContentToBackground {
  /** An adapter saw something happen on a call in this tab. */
  callEvent: { payload: { event: CallEvent }; response: void };
  /** A deadline this tab was asked to keep has come (see BackgroundToContent.wakeAt). */
  tick: { payload: Record<string, never>; response: void };
  nudgeResponse: { payload: { key: string; response: NudgeResponse; at: number }; response: void };
  /** A (re)loaded page asks what it should show now: open nudges, ring counters, deadline. */
  hello: {
    payload: Record<string, never>;
    response: {
      language: Language;
      /** The configured site this page belongs to (which adapter, which selectors), if any. */
      site: SoftphoneSite | null;
      nudges: Nudge[];
      rings: RingStatus[];
      wakeAt: number | null;
    };
  };
}

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
  settings: { payload: { language: Language; site: SoftphoneSite | null }; response: void };
}

/** The agent's own settings (not the team's): stored per browser profile, never pushed by policy. */
export interface AgentSettings {
  name: string;
  /** null: follow the team's language, or the browser's when the team set none. */
  language: Language | null;
}

/** A configured site and what the browser lets us do there. */
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
  errors: { local: ConfigError[]; policy: ConfigError[] };
  agent: AgentSettings;
  /** The browser's UI language, mapped to a product language. */
  browserLanguage: Language;
  /** The language in force for this agent. */
  language: Language;
  sites: SiteStatus[];
}

export type SelectorTestResult = Partial<Record<keyof SiteSelectors, { matches: number } | { error: string }>>;

/** Messages from the extension's own pages (options, popup). The background rejects any other sender. */
export interface UiToBackground {
  getSettings: { payload: Record<string, never>; response: SettingsView };
  /** Replace the team lead's local configuration; refused (with every error) when invalid. */
  saveTeamConfig: { payload: { input: CoachConfigInput }; response: { ok: true } | { ok: false; errors: ConfigError[] } };
  saveAgentSettings: { payload: AgentSettings; response: { ok: true } | { ok: false; errors: ConfigError[] } };
  /** Import a rule pack file's text; the configuration in force stays when it is refused. */
  importRulePack: { payload: { text: string }; response: { ok: true } | { ok: false; errors: ConfigError[] } };
  /** The effective configuration as a rule pack / policy JSON. */
  exportRulePack: { payload: Record<string, never>; response: { text: string } };
  /** Open tabs that belong to a site pattern (to reload them, or to test selectors in). */
  siteTabs: { payload: { pattern: string }; response: { id: number; title: string; url: string }[] };
  reloadTabs: { payload: { tabIds: number[] }; response: void };
  testSelectors: { payload: { tabId: number; selectors: SiteSelectors }; response: SelectorTestResult };
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
