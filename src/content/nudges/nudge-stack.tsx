/**
 * The stack of nudges and ring counters on the softphone page. Props only: no browser API,
 * no timers. Text only: nudge texts and caller names come from the network and are rendered
 * as text nodes, never as HTML.
 */
import type { Language, Nudge, RingStatus } from '../../core/coach/types';
import { uiString } from '../../core/ui-strings';
import { cardString } from '../card/strings';
import { memo } from './memo';

export interface ShownNudge {
  nudge: Nudge;
  /** Epoch ms when it was rendered: with `nudge.firedAt`, the on-time measure. */
  shownAt: number;
  checked: readonly string[];
}

export interface NudgeStackProps {
  language: Language;
  nudges: readonly ShownNudge[];
  rings: readonly RingStatus[];
  now: number;
  onDismiss(key: string): void;
  onAnswer(key: string, answer: 'yes' | 'no'): void;
  onCheck(key: string, itemId: string, checked: boolean): void;
  /**
   * Older nudges folded behind a count (`folded` of them), or opened by the agent (`open`):
   * the count is a button, so the agent can read them all. `onToggle` checks the event is the agent's.
   */
  older?: { folded: number; open: boolean; onToggle(event: Event): void };
}

/** 1-based ring number; the cadence repeats every on + off milliseconds. */
export function ringNumber(ring: RingStatus, now: number): number {
  const period = ring.onMs + ring.offMs;
  return Math.max(1, Math.floor(Math.max(0, now - ring.startedAt) / period) + 1);
}

// Synthetic events from page scripts must not answer for the agent.
const trusted = (event: Event): boolean => event.isTrusted;

interface NudgeCardProps {
  shown: ShownNudge;
  language: Language;
  onDismiss: NudgeStackProps['onDismiss'];
  onAnswer: NudgeStackProps['onAnswer'];
  onCheck: NudgeStackProps['onCheck'];
}

/** One nudge; rendered again only when its own props change (a host passes the same callbacks each time). */
const NudgeCard = memo(function NudgeCard(props: NudgeCardProps) {
  const { shown } = props;
  const { nudge } = shown;
  const t = (id: Parameters<typeof uiString>[1]) => uiString(props.language, id);
  return (
    <div
      class={`nudge nudge--${nudge.severity}`}
      data-key={nudge.key}
      data-rule={nudge.ruleId}
      data-kind={nudge.kind}
      data-fired-at={nudge.firedAt}
      data-shown-at={shown.shownAt}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && trusted(e)) props.onDismiss(nudge.key);
      }}
    >
      <p class="nudge__text">{nudge.text}</p>
      {nudge.kind === 'question' && (
        <div class="nudge__actions">
          <button type="button" data-answer="yes" onClick={(e) => trusted(e) && props.onAnswer(nudge.key, 'yes')}>
            {t('yes')}
          </button>
          <button type="button" data-answer="no" onClick={(e) => trusted(e) && props.onAnswer(nudge.key, 'no')}>
            {t('no')}
          </button>
        </div>
      )}
      {nudge.kind === 'checklist' && (
        <ul class="nudge__items">
          {(nudge.items ?? []).map((item) => (
            <li key={item.id}>
              <label>
                <input
                  type="checkbox"
                  data-item={item.id}
                  checked={shown.checked.includes(item.id)}
                  onClick={(e) => {
                    if (!trusted(e)) {
                      e.preventDefault();
                      return;
                    }
                    props.onCheck(nudge.key, item.id, (e.currentTarget as HTMLInputElement).checked);
                  }}
                />
                <span>{item.text}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        class="nudge__close"
        aria-label={t('dismiss')}
        title={t('dismiss')}
        onClick={(e) => trusted(e) && props.onDismiss(nudge.key)}
      >
        ×
      </button>
    </div>
  );
});

export function NudgeStack(props: NudgeStackProps) {
  const rings = props.rings
    .map((ring) => ({ ring, number: ringNumber(ring, props.now) }))
    .filter(({ ring, number }) => number >= ring.answerNowFromRing);
  return (
    <section class="stack" aria-label={uiString(props.language, 'region')}>
      {rings.map(({ ring, number }) => (
        <div class="ring" role="status" aria-live="polite" key={ring.callKey} data-call={ring.callKey} data-ring={number}>
          {uiString(props.language, 'answerNow', { ring: number })}
        </div>
      ))}
      {props.older && (
        <button
          type="button"
          class="stack__older"
          data-action="older-nudges"
          data-folded={props.older.folded}
          aria-expanded={props.older.open}
          onClick={(e) => props.older?.onToggle(e)}
        >
          {props.older.open ? cardString(props.language, 'fewerNudges') : cardString(props.language, 'moreNudges', { count: props.older.folded })}
        </button>
      )}
      {props.nudges.map((shown) => (
        <NudgeCard
          key={shown.nudge.key}
          shown={shown}
          language={props.language}
          onDismiss={props.onDismiss}
          onAnswer={props.onAnswer}
          onCheck={props.onCheck}
        />
      ))}
    </section>
  );
}
