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

/** Every text the coach can show. Ids are `<rule id>.<purpose>` so an override says what it changes. */
export const TEXT_IDS = [
  'answer-window.nudge',
  'missed-call.nudge',
  'missed-call.unknown-caller',
  'greeting.intro',
  'greeting.no-agent-name',
  'greeting.no-organization',
  'caller-name.nudge',
  'hold-permission.before',
  'hold-permission.question',
  'hold-check-back.nudge',
  'hold-overuse.nudge',
  'hold-overuse.share',
  'transfer-permission.before',
  'transfer-permission.question',
  'safe-hold.hold',
  'safe-hold.transfer',
  'closing.before',
  'closing.after',
  'closing.recap',
  'closing.anything-else',
  'closing.thank',
] as const;

export type TextId = (typeof TEXT_IDS)[number];

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

export type TextParams = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_-]*)\}/g;

/**
 * Fill `{name}` placeholders in one pass, so a value that itself contains "{seconds}" (a
 * caller's display name can be anything) is never expanded again. Unknown placeholders stay
 * as they are: a team lead's typo then shows up verbatim instead of vanishing.
 */
export function formatText(template: string, params: TextParams): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
