/**
 * The few words of the in-page coaching UI itself (the nudge texts come from the coach,
 * already in the configured language). Terms follow shared/lv-glossary.md.
 */
import type { Language } from './coach/types';

const STRINGS = {
  en: {
    yes: 'Yes',
    no: 'No',
    dismiss: 'Dismiss',
    ring: 'Ring {ring}',
    answerNow: 'Ring {ring} — answer now',
    region: 'Second Ring coaching',
  },
  lv: {
    yes: 'Jā',
    no: 'Nē',
    dismiss: 'Aizvērt',
    ring: '{ring}. signāls',
    answerNow: '{ring}. signāls — atbildiet tagad',
    region: 'Second Ring padomi',
  },
} as const satisfies Record<Language, Record<string, string>>;

export type UiStringId = keyof (typeof STRINGS)['en'];

export function uiString(language: Language, id: UiStringId, params: Record<string, string | number> = {}): string {
  return STRINGS[language][id].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
