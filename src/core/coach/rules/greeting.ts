/**
 * greeting: on answer (inbound only: on an outbound call the agent is the caller), the team's
 * greeting as a checklist of its four parts. Parts ticked on the call card and on the checklist
 * are one list: the record's `greetingChecked`, mirrored in the checklist's `checked`. When the
 * call ends the checklist leaves the screen: "Greet the caller" after the hang-up asks for what
 * can no longer be done, beside the closing checklist; the card keeps the parts to tick for the record.
 */
import * as v from 'valibot';
import { formatText, shorten, type TextParams } from '../format-text';
import type { CallState } from '../step';
import type { CoachConfig } from '../config';
import type { GreetingPart } from '../types';
import { GREETING_LINES } from '../../practice/scenarios';
import { GREET_WITHIN_MS, draft, firstOf, inOrder, listOf, seconds } from '../../practice/facts';
import { defineRule, ruleBase, type RuleCall } from './rule';
import { timeFrom } from './explain-kit';

/** The greeting's parts, in the order they are said: the greeting checklist's item ids. */
export const GREETING_PARTS: readonly GreetingPart[] = ['greeting', 'ownName', 'organization', 'offer'];

const isGreetingPart = (value: unknown): value is GreetingPart => GREETING_PARTS.some((p) => p === value);

/**
 * Tick or untick a greeting part: the record's `greetingChecked` (in the greeting's order) and
 * the greeting checklist's `checked` and `checkedAt`, kept equal. False when nothing changed.
 */
function setGreetingPart(call: CallState, part: GreetingPart, checked: boolean, at: number): boolean {
  const r = call.record;
  const current = r.greetingChecked ?? [];
  if (current.includes(part) === checked) return false;
  const next = checked ? [...current, part] : current.filter((p) => p !== part);
  r.greetingChecked = GREETING_PARTS.filter((p) => next.includes(p));
  for (const n of r.nudges) {
    if (n.ruleId !== 'greeting' || n.kind !== 'checklist') continue;
    n.checked = [...r.greetingChecked];
    n.checkedAt = at;
  }
  return true;
}

/**
 * There is evidence of every part of the greeting the agent can say: a part that needs an
 * agent name or organization not set is not asked for (the card leaves it out too).
 */
function greetingDone(call: CallState, config: CoachConfig): boolean {
  const agent = config.agentName?.trim();
  const organization = config.organization.trim();
  const parts = config.greeting[config.language];
  const known = GREETING_PARTS.filter((p) => !((!agent && parts[p].includes('{agent}')) || (!organization && parts[p].includes('{organization}'))));
  return known.every((p) => call.record.greetingChecked?.includes(p));
}

/** `{agent}` and `{organization}` for the greeting; a neutral stand-in for one not set. */
function greetingParams(c: RuleCall<unknown, 'greeting.no-agent-name' | 'greeting.no-organization'>): TextParams {
  const agent = c.config.agentName?.trim();
  const organization = c.config.organization.trim();
  return {
    agent: agent ? shorten(agent) : c.text('greeting.no-agent-name'),
    organization: organization || c.text('greeting.no-organization'),
  };
}

export const greetingRule = defineRule({
  id: 'greeting',
  signal: 'agent',
  settings: v.strictObject({ ...ruleBase }),
  defaults: { enabled: true, severity: 'info' },
  thresholds: [],
  texts: ['greeting.intro', 'greeting.no-agent-name', 'greeting.no-organization'],
  fragments: ['greeting.no-agent-name', 'greeting.no-organization'],
  kinds: { 'greeting.intro': 'checklist' },
  preview: {
    // As the coach shows it on answer: its intro, and the four parts to tick.
    items(config, language, sample) {
      const parts = config.greeting[language];
      const params = { agent: sample.agent, organization: sample.organization };
      return GREETING_PARTS.map((part) => ({ id: part, text: formatText(parts[part], params) }));
    },
  },
  coach: {
    onAnswered(c, at) {
      if (c.call.record.direction !== 'inbound' || !c.settings.enabled) return;
      // Joined mid-call (installed or updated during it): the greeting was said, or not, before we could see.
      if (c.call.record.approximateTimes) return;
      // Every part already in evidence (ticked on a card opened before the answer): nothing to remind of.
      if (greetingDone(c.call, c.config)) return;
      const params = greetingParams(c);
      const parts = c.config.greeting[c.config.language];
      const items = GREETING_PARTS.map((part) => ({ id: part, text: formatText(parts[part], params) }));
      c.show('checklist', c.text('greeting.intro', params), at, items);
      // Parts the card ticked already (it may open before the answer event arrives) stay ticked.
      const ticked = c.call.record.greetingChecked;
      const entry = c.call.record.nudges.at(-1);
      if (ticked && entry?.ruleId === 'greeting') entry.checked = [...ticked];
    },
    onClose(c) {
      c.withdraw();
    },
    onChecked(c, _entry, itemId, checked, at) {
      if (!isGreetingPart(itemId) || !setGreetingPart(c.call, itemId, checked, at)) return false;
      if (greetingDone(c.call, c.config)) c.withdraw();
      return true;
    },
    onEvidence(c, event, at) {
      if (event.act !== 'greeting-part' || !isGreetingPart(event.item)) return false;
      if (!setGreetingPart(c.call, event.item, !event.undone, at)) return false;
      // The whole greeting given: the checklist has done its job and leaves the screen.
      if (greetingDone(c.call, c.config)) c.withdraw();
      return true;
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, _trigger, ctx) {
      const at = timeFrom(ctx);
      // The agent's name comes from the agent's own settings, never from a replayed configuration.
      const organization = ctx.config.organization.trim() ? '' : '; no organization set: a stand-in fills {organization}';
      return `inbound call answered at ${at(nudge.firedAt)}: the greeting's four parts to tick (${ctx.config.language})${organization}`;
    },
    quiet(ctx) {
      if (ctx.record.direction === 'outbound') return 'outbound call: the agent is the caller, no greeting to check';
      if (ctx.record.approximateTimes) return 'joined mid-call: the greeting came before the coach could see the call';
      return 'no nudge';
    },
  },
  practice: {
    why: () => ({ key: 'practice_why_greeting' }),
    score(facts) {
      const d = draft();
      const a = facts.answeredAt;
      if (a === undefined) {
        d.notReached = true;
        return d;
      }
      const said = firstOf(facts, GREETING_LINES, a, facts.end?.at ?? Infinity);
      const missing = GREETING_LINES.filter((l) => !said.some((s) => s.line === l));
      const startedAfter = said[0] ? said[0].at - a : undefined;
      if (missing.length) d.improve.push({ key: 'practice_score_greeting_missing', params: { parts: listOf(missing) } });
      if (!inOrder(said, GREETING_LINES)) d.improve.push({ key: 'practice_score_greeting_order' });
      if (startedAfter !== undefined && startedAfter > GREET_WITHIN_MS) {
        d.improve.push({ key: 'practice_score_greeting_late', params: { seconds: seconds(startedAfter) } });
      }
      if (d.improve.length === 0 && startedAfter !== undefined) {
        d.wentWell.push({ key: 'practice_score_greeting_all', params: { seconds: seconds(startedAfter) } });
      }
      return d;
    },
  },
});
