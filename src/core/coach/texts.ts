/**
 * Default nudge texts in English and Latvian (Latvian per shared/lv-glossary.md: polite plural,
 * short and calm). A team lead overrides any of them by id in the config's `texts`.
 *
 * Texts are plain text with `{placeholders}`; they are never HTML, and values filled in (a
 * caller's display name comes from the network) stay plain text too.
 */
import type { Language } from './types';
import enMessages from '../../../_locales/en/messages.json';
import lvMessages from '../../../_locales/lv/messages.json';
import { RULES, type TextId } from './rules/registry';

export { formatText, type TextParams } from './format-text';
export type { TextId };

/**
 * Every text the coach can show, from the rules' modules. Ids are `<rule id>.<purpose>` so an
 * override says what it changes.
 */
export const TEXT_IDS: readonly TextId[] = RULES.flatMap((rule): readonly TextId[] => rule.texts);

export type TextTable = Readonly<Record<TextId, string>>;

// The texts themselves live in _locales/<lang>/messages.json, the product's one source of every
// string in both languages, under "nudge_<rule>__<purpose>" (chrome.i18n keys allow only
// letters, digits and "_"). Counts go after a colon or an ordinal ("hold number 4",
// "4. aizturēšana") so that no noun has to agree with them.
export const localeKeyOf = (id: TextId): string => `nudge_${id.replace(/\./g, '__').replace(/-/g, '_')}`;

type LocaleMessages = Readonly<Record<string, { message: string }>>;

function tableFrom(messages: LocaleMessages, language: Language): TextTable {
  const table = {} as Record<TextId, string>;
  for (const id of TEXT_IDS) {
    const entry = messages[localeKeyOf(id)];
    // A missing text is a build defect; the locale test names it. Fall back to the id, never crash.
    table[id] = entry?.message ?? `[${language}:${id}]`;
  }
  return table;
}

export const DEFAULT_TEXTS: Readonly<Record<Language, TextTable>> = {
  en: tableFrom(enMessages, 'en'),
  lv: tableFrom(lvMessages, 'lv'),
};
