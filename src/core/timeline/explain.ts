/**
 * Why a replayed nudge fired, and why a checked rule stayed quiet on a call: plain sentences
 * for `second-ring replay --explain`.
 *
 * Each rule explains itself in its module (src/core/coach/rules/<rule-id>.ts, `explain`), from
 * what the replay fed the coach (the triggering event or deadline), the call's record as the
 * coach wrote it, and the thresholds of the configuration; the coach itself is not asked.
 * Times are seconds from the call's first event.
 */
import { RULES, RULE_BY_ID, type AnyRule, type ConfigurableRuleId, type ExplainContext, type Nudge, type Trigger } from '../coach';
import type { ExplainHooks, RuleExplainContext } from '../coach/rules/rule';

export type { ExplainContext, Trigger };

/**
 * The rules the replay explains: those that explain themselves (the rules the coach implements
 * from call events). greeting and caller-name also take the agent's notes, which a timeline does
 * not have: a replay shows them as for an agent who ticks and notes nothing.
 */
export const EXPLAINED_RULES: readonly ConfigurableRuleId[] = RULES.filter((rule) => rule.explain !== undefined).map((rule) => rule.id);

export type ExplainedRuleId = ConfigurableRuleId;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

type Explainer = ExplainHooks<unknown>;

/** A rule's explanation, seen through the one shape every rule's has, with its settings in force. */
function explainerOf(ruleId: ConfigurableRuleId, ctx: ExplainContext): { hooks: Explainer; ctx: RuleExplainContext<unknown> } | undefined {
  const rule = RULE_BY_ID[ruleId] as AnyRule | undefined;
  if (!rule?.explain) return undefined;
  return { hooks: rule.explain as unknown as Explainer, ctx: { ...ctx, settings: ctx.config.rules[ruleId] } };
}

/** One sentence on why `nudge` fired. */
export function explainNudge(nudge: Nudge, trigger: Trigger, ctx: ExplainContext): string | undefined {
  const explainer = explainerOf(nudge.ruleId, ctx);
  if (explainer) return explainer.hooks.nudge(nudge, trigger, explainer.ctx);
  const at = seconds(nudge.firedAt - ctx.start);
  return trigger.kind === 'event' ? `on ${trigger.event.type} at ${at}` : `at a deadline, ${at}`;
}

/** Why `ruleId` (enabled, checked) showed nothing on this call. */
export function explainQuiet(ruleId: ExplainedRuleId, ctx: ExplainContext): string {
  const explainer = explainerOf(ruleId, ctx);
  if (!explainer) return 'no nudge';
  const r = ctx.record;
  if (explainer.hooks.connectedOnly && r.answeredAt === undefined) return r.outcome === 'live' ? 'not connected when the timeline ends' : 'never connected';
  return explainer.hooks.quiet(explainer.ctx);
}
