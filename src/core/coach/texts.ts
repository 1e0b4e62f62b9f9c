/**
 * Default nudge texts in English and Latvian (Latvian per shared/lv-glossary.md: polite plural,
 * short and calm). A team lead overrides any of them by id in the config's `texts`.
 *
 * Texts are plain text with `{placeholders}`; they are never HTML, and values filled in (a
 * caller's display name comes from the network) stay plain text too.
 */
import type { Language } from './types';

/** Every text the coach can show. Ids are `<rule id>.<purpose>` so an override says what it changes. */
export const TEXT_IDS = [
  'answer-window.nudge',
  'missed-call.nudge',
  'missed-call.unknown-caller',
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

// Counts go after a colon or an ordinal ("hold number 4", "4. aizturēšana") so that no noun has to
// agree with them: "1 rings" in English, and Latvian's case and number endings.
const EN: TextTable = {
  'answer-window.nudge': 'Answer now — the caller has heard three rings.',
  'missed-call.nudge': 'Missed call from {caller} (rings: {rings}) — return it within one business day.',
  'missed-call.unknown-caller': 'an unknown number',
  'hold-permission.before': 'Ask the caller before you put them on hold.',
  'hold-permission.question': 'Did you ask the caller before putting them on hold?',
  'hold-check-back.nudge': 'The caller has been on hold for {seconds} s — check back with them.',
  'hold-overuse.nudge': 'That is hold number {holds} on this call — is hold the best way to help?',
  'hold-overuse.share': 'Held {percent}% of the call — too much hold time. Keep the caller in the conversation.',
  'transfer-permission.before': 'Ask permission and tell the caller where you are transferring them.',
  'transfer-permission.question': 'Did you ask permission and tell the caller where you are transferring them?',
  'safe-hold.hold': 'The call ended {seconds} s after a hold — was the caller disconnected by accident?',
  'safe-hold.transfer':
    'The call ended {seconds} s after a transfer that did not go through — was the caller disconnected by accident?',
  'closing.before': 'Before you hang up:',
  'closing.after': 'The call has ended — tick what you did:',
  'closing.recap': 'Recap the actions taken',
  'closing.anything-else': 'Ask if there is anything else',
  'closing.thank': 'Thank the caller',
};

const LV: TextTable = {
  'answer-window.nudge': 'Atbildiet tagad — zvanītājs dzirdējis jau trīs signālus.',
  'missed-call.nudge': 'Neatbildēts zvans: {caller} (signāli: {rings}). Atzvaniet vienas darba dienas laikā.',
  'missed-call.unknown-caller': 'nezināms numurs',
  'hold-permission.before': 'Pirms aizturēšanas pajautājiet zvanītāja atļauju.',
  'hold-permission.question': 'Vai pirms aizturēšanas pajautājāt zvanītāja atļauju?',
  'hold-check-back.nudge': 'Zvanītājs gaida jau {seconds} s — atgriezieties pie viņa.',
  'hold-overuse.nudge': 'Šī ir jau {holds}. aizturēšana šajā zvanā — vai tā tiešām ir labākais veids, kā palīdzēt?',
  'hold-overuse.share': 'Zvans bija aizturēts {percent}% no sarunas laika — tas ir par daudz. Palieciet sarunā ar zvanītāju.',
  'transfer-permission.before': 'Pirms pārsūtīšanas pajautājiet atļauju un pasakiet zvanītājam, kam viņu pārsūtāt.',
  'transfer-permission.question': 'Vai pajautājāt atļauju un pateicāt zvanītājam, kam viņu pārsūtāt?',
  'safe-hold.hold': 'Zvans beidzās {seconds} s pēc aizturēšanas — vai zvanītājs netika atvienots nejauši?',
  'safe-hold.transfer':
    'Zvans beidzās {seconds} s pēc neizdevušās pārsūtīšanas — vai zvanītājs netika atvienots nejauši?',
  'closing.before': 'Pirms beidzat zvanu:',
  'closing.after': 'Zvans ir beidzies — atzīmējiet, ko izdarījāt:',
  'closing.recap': 'Apkopojiet, kas tika izdarīts',
  'closing.anything-else': 'Pajautājiet, vai vēl varat kā palīdzēt',
  'closing.thank': 'Pateicieties zvanītājam',
};

export const DEFAULT_TEXTS: Readonly<Record<Language, TextTable>> = { en: EN, lv: LV };

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
