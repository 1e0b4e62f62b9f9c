/**
 * The pages' own string lookup over `_locales/<lang>/messages.json` (design.md "Languages"):
 * `chrome.i18n` follows only the browser's language, while ours is the agent's choice, then the
 * team's, then the browser's (`SettingsView.language`). Placeholders are `{name}`, filled in one
 * pass as the coach's texts are.
 */
import type { Language } from '../../core/coach/types';
import { formatText, type TextParams } from '../../core/coach/texts';
import en from '../../../_locales/en/messages.json';
import lv from '../../../_locales/lv/messages.json';

export type MessageKey = keyof typeof en;

type Table = Readonly<Record<string, { message: string } | undefined>>;

const TABLES: Readonly<Record<Language, Table>> = { en, lv };

export const LANGUAGES: readonly Language[] = ['en', 'lv'];

export function t(language: Language, key: MessageKey, params: TextParams = {}): string {
  return tKey(language, key, params);
}

/**
 * For keys built from ids at run time (`rule_<id>_name`). A missing key shows as `[key]`, never
 * crashes; the UI tests check that every rule's keys exist.
 */
export function tKey(language: Language, key: string, params: TextParams = {}): string {
  const entry = TABLES[language][key] ?? TABLES.en[key];
  return entry ? formatText(entry.message, params) : `[${key}]`;
}

export function hasKey(key: string): boolean {
  return TABLES.en[key] !== undefined && TABLES.lv[key] !== undefined;
}

/** A locale key from an id with dashes and dots (`hold-check-back.nudge` → `hold_check_back__nudge`). */
export const keyPart = (id: string): string => id.replace(/\./g, '__').replace(/-/g, '_');
