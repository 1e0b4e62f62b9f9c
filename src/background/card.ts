/**
 * The call card of a call record (core/messages.ts `CardCall`): the record's subset the agent
 * sees, with the checklists' texts filled in from the configuration. Pure (no browser API), so
 * it is tested in node.
 *
 * The greeting's parts are filled in as the coach fills in its greeting checklist (the team's
 * template in the configured language), except that a part naming what is not set yet (the
 * agent's name, the organization) is left out; the page's greeting nudge lists the card's items,
 * so the two read the same. The closing checklist shows
 * once the coach showed its nudge: ticks on the card go to that nudge (`nudge-response`), ticks
 * of the greeting go to the call (`agent-note` greeting-part), so both lists are one with the
 * nudges' and recorded with the call.
 */
import { CLOSING_ITEMS, DEFAULT_TEXTS, formatText, type CallRecord, type ChecklistItem, type CoachConfig, type TextId } from '../core/coach';
import type { GreetingPart } from '../core/coach/types';
import type { CardCall, CardState, GreetingSetup } from '../core/messages';
import type { TakenMessage } from '../core/messages-taken';
import enMessages from '../../_locales/en/messages.json';
import lvMessages from '../../_locales/lv/messages.json';

/** The card's first-run line, sent with the card (the content script's size budget is tight). */
const SETUP_NOTE = { en: enMessages, lv: lvMessages } as const;

/** The greeting's parts in the order they are said (the coach's checklist item ids). */
export const GREETING_ORDER: readonly GreetingPart[] = ['greeting', 'ownName', 'organization', 'offer'];

/** Names longer than this are cut with an ellipsis in the greeting (as the coach does). */
const MAX_NAME_CHARS = 80;
const shorten = (s: string): string => (s.length > MAX_NAME_CHARS ? `${s.slice(0, MAX_NAME_CHARS - 1)}…` : s);

function text(config: CoachConfig, id: TextId): string {
  const lang = config.language;
  return config.texts?.[lang]?.[id] ?? DEFAULT_TEXTS[lang][id];
}

/** What the greeting needs and is not set (first run): the agent's name, the organization. */
export function greetingMissing(config: CoachConfig): GreetingSetup[] {
  const missing: GreetingSetup[] = [];
  if (!config.agentName?.trim()) missing.push('agent-name');
  if (!config.organization.trim()) missing.push('organization');
  return missing;
}

/**
 * The team's greeting, filled in, as checklist items: only the parts that are known. A part
 * that names what is not set yet is left out, never shown with a stand-in in front of a caller.
 */
export function greetingItems(config: CoachConfig): ChecklistItem[] {
  const agent = config.agentName?.trim();
  const organization = config.organization.trim();
  const params = { agent: agent ? shorten(agent) : '', organization };
  const parts = config.greeting[config.language];
  const unknown = (template: string) => (!agent && template.includes('{agent}')) || (!organization && template.includes('{organization}'));
  return GREETING_ORDER.filter((part) => !unknown(parts[part])).map((part) => ({ id: part, text: formatText(parts[part], params) }));
}

export function closingItems(config: CoachConfig): ChecklistItem[] {
  return CLOSING_ITEMS.map((item) => ({ id: item.id, text: text(config, item.textId) }));
}

export function cardStateOf(record: CallRecord): CardState {
  if (record.outcome === 'missed') return 'missed';
  if (record.endedAt !== undefined) return 'ended';
  if (record.answeredAt !== undefined || record.outcome === 'answered') {
    return record.holds.some((h) => h.by === 'agent' && h.end === undefined) ? 'on-hold' : 'connected';
  }
  return record.direction === 'inbound' ? 'ringing' : 'dialing';
}

/** The card of a record; `messages` are the history's copies of the messages taken on the call (any order). */
export function cardOf(record: CallRecord, config: CoachConfig, messages: readonly TakenMessage[] = []): CardCall {
  const state = cardStateOf(record);
  const card: CardCall = {
    callKey: record.callKey,
    tabId: record.tabId,
    direction: record.direction,
    state,
    startedAt: record.startedAt,
    language: config.language,
    messages: [],
  };
  if (record.answeredAt !== undefined) card.answeredAt = record.answeredAt;
  if (record.endedAt !== undefined) card.endedAt = record.endedAt;
  const hold = record.holds.find((h) => h.by === 'agent' && h.end === undefined);
  if (state === 'on-hold' && hold) card.holdSince = hold.start;
  if (record.remote) card.remote = { ...record.remote };
  if (record.callerName) card.callerName = record.callerName;

  // The greeting from the answer on, for inbound calls, when the coach runs the rule or already
  // showed it (the card keeps what was ticked even if the rule was switched off mid-call).
  const greetingShown = record.nudges.some((n) => n.ruleId === 'greeting');
  if (record.direction === 'inbound' && record.answeredAt !== undefined && (greetingShown || config.rules.greeting.enabled)) {
    const missing = greetingMissing(config);
    card.greeting = {
      items: greetingItems(config),
      checked: [...(record.greetingChecked ?? [])],
      ...(missing.length > 0 ? { missing, setupNote: SETUP_NOTE[config.language].card_setup_missing.message } : {}),
    };
  }
  const closing = record.nudges.filter((n) => n.ruleId === 'closing' && (n.kind === undefined || n.kind === 'checklist')).at(-1);
  if (closing) card.closing = { key: closing.key, items: closingItems(config), checked: [...(closing.checked ?? [])] };

  const byId = new Map(messages.map((m) => [m.id, m]));
  for (const id of record.messages ?? []) {
    const message = byId.get(id);
    if (message) card.messages.push({ id, forWhom: message.forWhom, status: message.status });
  }
  return card;
}
