/**
 * The call card's words, in English and Latvian, from _locales like every other string. Named
 * JSON imports, each key read statically, keep the content script to the `card_` keys it uses
 * (the whole script has a 25 kB gzip budget); the popup shares the component, and so these.
 */
import type { Language } from '../../core/coach/types';
import * as en from '../../../_locales/en/messages.json';
import * as lv from '../../../_locales/lv/messages.json';

const STRINGS = {
  en: {
    region: en.card_region.message,
    ringing: en.card_state_ringing.message,
    dialing: en.card_state_dialing.message,
    connected: en.card_state_connected.message,
    'on-hold': en.card_state_on_hold.message,
    ended: en.card_state_ended.message,
    missed: en.card_state_missed.message,
    holdFor: en.card_hold_for.message,
    unknownCaller: en.card_unknown_caller.message,
    nameLabel: en.card_caller_name_label.message,
    nameSave: en.card_caller_name_save.message,
    useName: en.card_use_name.message,
    greeting: en.card_greeting_title.message,
    closing: en.card_closing_title.message,
    takeMessage: en.card_take_message.message,
    messageCaller: en.card_message_caller.message,
    messageFor: en.card_message_for.message,
    messageCallback: en.card_message_callback.message,
    messageNumber: en.card_message_number.message,
    messageText: en.card_message_text.message,
    messageSave: en.card_message_save.message,
    messageCancel: en.card_message_cancel.message,
    messageSaved: en.card_message_saved.message,
    toDeliver: en.card_message_to_deliver.message,
    delivered: en.card_message_delivered.message,
    markDelivered: en.card_mark_delivered.message,
    required: en.card_error_required.message,
    'too-long': en.card_error_too_long.message,
    'not-a-phone-number': en.card_error_not_a_phone_number.message,
    invalid: en.card_error_invalid.message,
    storage: en.card_error_storage.message,
    collapse: en.card_collapse.message,
    expand: en.card_expand.message,
    close: en.card_close.message,
    hint: en.card_shortcut_hint.message,
    moreNudges: en.card_more_nudges.message,
    fewerNudges: en.card_fewer_nudges.message,
    move: en.card_move.message,
  },
  lv: {
    region: lv.card_region.message,
    ringing: lv.card_state_ringing.message,
    dialing: lv.card_state_dialing.message,
    connected: lv.card_state_connected.message,
    'on-hold': lv.card_state_on_hold.message,
    ended: lv.card_state_ended.message,
    missed: lv.card_state_missed.message,
    holdFor: lv.card_hold_for.message,
    unknownCaller: lv.card_unknown_caller.message,
    nameLabel: lv.card_caller_name_label.message,
    nameSave: lv.card_caller_name_save.message,
    useName: lv.card_use_name.message,
    greeting: lv.card_greeting_title.message,
    closing: lv.card_closing_title.message,
    takeMessage: lv.card_take_message.message,
    messageCaller: lv.card_message_caller.message,
    messageFor: lv.card_message_for.message,
    messageCallback: lv.card_message_callback.message,
    messageNumber: lv.card_message_number.message,
    messageText: lv.card_message_text.message,
    messageSave: lv.card_message_save.message,
    messageCancel: lv.card_message_cancel.message,
    messageSaved: lv.card_message_saved.message,
    toDeliver: lv.card_message_to_deliver.message,
    delivered: lv.card_message_delivered.message,
    markDelivered: lv.card_mark_delivered.message,
    required: lv.card_error_required.message,
    'too-long': lv.card_error_too_long.message,
    'not-a-phone-number': lv.card_error_not_a_phone_number.message,
    invalid: lv.card_error_invalid.message,
    storage: lv.card_error_storage.message,
    collapse: lv.card_collapse.message,
    expand: lv.card_expand.message,
    close: lv.card_close.message,
    hint: lv.card_shortcut_hint.message,
    moreNudges: lv.card_more_nudges.message,
    fewerNudges: lv.card_fewer_nudges.message,
    move: lv.card_move.message,
  },
} as const;

export type CardStringId = keyof (typeof STRINGS)['en'];

export function cardString(language: Language, id: CardStringId, params: Record<string, string | number> = {}): string {
  return STRINGS[language][id].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
