/**
 * What the extension's own pages can ask for. Components receive an implementation as a prop
 * and never touch the browser themselves (style.md §10): `background-client.ts` implements it
 * against the background and the browser, and tests use an in-memory one.
 */
import type {
  AgentSettings,
  FigureRange,
  FiguresView,
  HistoryActionResult,
  MessageInput,
  ReturnCallAction,
  RulePackPreview,
  SelectorTestResult,
  SettingsView,
  ShiftView,
  TakeMessageResult,
  UncoachedTab,
} from '../../core/messages';
import type { AgentNote, CallRecord } from '../../core/coach/types';
import type { CoachConfigInput, ConfigError, SiteSelectors } from '../../core/coach/config';
import type { ImportMode } from '../../core/rule-pack';

export type SaveResult = { ok: true } | { ok: false; errors: ConfigError[] };

export interface SiteTab {
  id: number;
  title: string;
  url: string;
}

export interface UiActions {
  getSettings(): Promise<SettingsView>;
  /** Replace the team lead's local configuration (a partial input); refused whole when invalid. */
  saveTeamConfig(input: CoachConfigInput): Promise<SaveResult>;
  saveAgentSettings(settings: AgentSettings): Promise<SaveResult>;
  /** What importing a rule pack file would do (values left out, sites losing access per choice); nothing changes. */
  previewRulePack(text: string): Promise<RulePackPreview>;
  /** Import a rule pack file's text, merged into the local configuration or replacing it; when refused, the configuration in force stays. */
  importRulePack(text: string, mode: ImportMode): Promise<SaveResult>;
  /** The effective configuration as JSON: the policy an administrator would push. */
  exportRulePack(): Promise<string>;
  siteTabs(pattern: string): Promise<SiteTab[]>;
  reloadTabs(tabIds: number[]): Promise<void>;
  /** Softphone tabs the coaching could not reach, and a reload for one (refused while it plays sound). */
  uncoachedTabs(): Promise<UncoachedTab[]>;
  reloadUncoachedTab(tabId: number): Promise<boolean>;
  testSelectors(tabId: number, selectors: SiteSelectors): Promise<SelectorTestResult>;
  /**
   * Ask the browser for host access to a site pattern. Call it synchronously from a click or
   * submit handler, before any `await`: the browser shows its prompt only during a user gesture.
   * Resolves to whether access was granted.
   */
  requestSiteAccess(pattern: string | readonly string[]): Promise<boolean>;
  hasSiteAccess(pattern: string): Promise<boolean>;
  openOptionsPage(): Promise<void>;
  /** Offer `text` as a file download. */
  saveFile(fileName: string, text: string, mimeType: string): void;
  /**
   * Call `listener` when settings may have changed elsewhere (another page, a policy update, a
   * permission granted or removed). Returns the function that stops listening.
   */
  onSettingsChanged(listener: () => void): () => void;
}

/**
 * The agent's shift: the call card in the popup, messages, return calls, figures and the
 * history's exports and wipe. The popup and the figures page get it with `UiActions`.
 */
export interface ShiftActions {
  shiftView(): Promise<ShiftView>;
  figuresView(range: FigureRange, chartDays: number): Promise<FiguresView>;
  cardNote(callKey: string, note: AgentNote): Promise<void>;
  cardCheck(key: string, itemId: string, checked: boolean): Promise<void>;
  takeMessage(input: MessageInput, callKey?: string): Promise<TakeMessageResult>;
  markMessageDelivered(id: string): Promise<HistoryActionResult>;
  returnCallAction(id: string, action: ReturnCallAction): Promise<HistoryActionResult>;
  exportHistory(
    format: 'csv' | 'timeline',
    range: FigureRange,
  ): Promise<{ ok: true; fileName: string; text: string; mimeType: string } | { ok: false; message: string }>;
  wipeHistory(): Promise<HistoryActionResult>;
  /** The records of the calls the coach holds now, practice calls too (the practice score card reads its call's nudges here). */
  coachRecords(): Promise<CallRecord[]>;
  /** Open the figures page in a tab. */
  openFiguresPage(): Promise<void>;
  /** The practice softphone: practise the etiquette on simulated calls. */
  openPracticePage(): Promise<void>;
}
