/**
 * The few words of the in-page coaching UI itself (the nudge texts come from the coach,
 * already in the configured language), from _locales like every other string. Named JSON
 * imports keep the content script to these keys only.
 */
import type { Language } from './coach/types';
import * as en from '../../_locales/en/messages.json';
import * as lv from '../../_locales/lv/messages.json';

const STRINGS = {
  en: { yes: en.ui_yes, no: en.ui_no, dismiss: en.ui_dismiss, answerNow: en.ui_answer_now, region: en.ui_region },
  lv: { yes: lv.ui_yes, no: lv.ui_no, dismiss: lv.ui_dismiss, answerNow: lv.ui_answer_now, region: lv.ui_region },
} as const;

export type UiStringId = keyof (typeof STRINGS)['en'];

export function uiString(language: Language, id: UiStringId, params: Record<string, string | number> = {}): string {
  return STRINGS[language][id].message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
