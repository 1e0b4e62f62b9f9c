/**
 * The call card: one call as the agent sees it, on the softphone page (beside the nudges, in the
 * same shadow root) and in the popup. Props only: no browser API, no timers (the host redraws it
 * with `now`). Names and numbers come from the network or the agent: text nodes only.
 *
 * What it shows: the call's state and timer (ringing or talk time, and the hold timer while the
 * caller waits), the caller (the name the agent noted, else the softphone's display name and
 * number), the caller's name field (once noted, the card keeps it in view as a reminder to use
 * it), the greeting checklist with the team's template filled in (from the answer on; only the
 * parts that are known, and a first-run line asking for what is not set), the closing checklist
 * (once the coach shows it), the messages taken on the call and the message form. Folded, it is
 * one line: state, timer, caller.
 *
 * Keyboard: every control is a native one in document order (Tab, Shift+Tab, Space; Enter also
 * ticks a checklist item and notes the name); Escape hands the focus back to the page
 * (`onEscape`). The card never takes the focus itself.
 */
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { isolate } from '../../core/names';
import type { Language } from '../../core/coach/types';
import type { CardCall, MessageInput, TakeMessageResult } from '../../core/messages';
import { MessageForm } from './message-form';
import { cardString } from './strings';
import { Ticking, useStoppedClock, type Clock } from './ticking';

export interface CardActions {
  callerName(callKey: string, name: string): void;
  greeting(callKey: string, part: string, checked: boolean): void;
  /** A closing checklist item ticked or unticked on the card of call `callKey`. */
  closing(callKey: string, itemId: string, checked: boolean): void;
  saveMessage(callKey: string, input: MessageInput): Promise<TakeMessageResult | undefined>;
  delivered(id: string): void;
}

export interface CallCardProps {
  card: CardCall;
  language: Language;
  /** The time its timers show (a host that redraws it with the time: the popup). */
  now?: number;
  /** Or a clock its timers follow by themselves, without a redraw of the card (the page's overlay). */
  clock?: Clock;
  actions: CardActions;
  /** The page's card folds to one line (state, timer, caller); the popup's never does. */
  collapsed?: boolean;
  onToggle?(): void;
  /** Close a finished call's card (the page's card). */
  onClose?(): void;
  /** Escape: give the focus back to the page. */
  onEscape?(): void;
  /** Show the keyboard hint (the page's card). */
  hint?: boolean;
  /** Whether an event comes from the agent; the page's card ignores page scripts' synthetic events. */
  trusted?(event: Event): boolean;
}

const isTrusted = (event: Event): boolean => event.isTrusted;

/** "0:07", "12:45", "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Ringing or dialing: since the start; on the call: talk time; over: how long it lasted. */
function timerOf(card: CardCall, now: number): number {
  const end = card.endedAt ?? now;
  if (card.answeredAt === undefined) return end - card.startedAt;
  return end - card.answeredAt;
}

const isLive = (card: CardCall): boolean => card.endedAt === undefined;

/** The caller's parts: the noted name first, then the softphone's name and number. */
function callerParts(card: CardCall): string[] {
  const name = card.callerName ?? card.remote?.displayName?.trim();
  const number = card.remote?.number?.trim();
  if (name && number && name !== number) return [name, number];
  return name || number ? [(name || number) as string] : [];
}

/** The caller as the card names them, as text. */
export function callerLine(card: CardCall, language: Language): string {
  const parts = callerParts(card);
  return parts.length > 0 ? parts.join(' · ') : cardString(language, 'unknownCaller');
}

/**
 * The same on screen: each name or number from the network in its own `<bdi>`, so a
 * right-to-left (or override-laden) name cannot reorder what stands beside it.
 */
function CallerLine(props: { card: CardCall; language: Language }) {
  const parts = callerParts(props.card);
  if (parts.length === 0) return <>{cardString(props.language, 'unknownCaller')}</>;
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && ' · '}
          <bdi>{part}</bdi>
        </Fragment>
      ))}
    </>
  );
}

function Checklist(props: {
  title: string;
  list: 'greeting' | 'closing';
  items: readonly { id: string; text: string }[];
  checked: readonly string[];
  trusted(event: Event): boolean;
  onCheck(itemId: string, checked: boolean): void;
}) {
  // Ticks show at once; the card that comes back from the coach confirms them.
  const [pending, setPending] = useState<Readonly<Record<string, boolean>>>({});
  useEffect(() => {
    setPending((current) => {
      const left = Object.entries(current).filter(([id, value]) => props.checked.includes(id) !== value);
      return left.length === Object.keys(current).length ? current : Object.fromEntries(left);
    });
  }, [props.checked]);
  const isChecked = (id: string) => pending[id] ?? props.checked.includes(id);
  const tick = (id: string, value: boolean) => {
    setPending((current) => ({ ...current, [id]: value }));
    props.onCheck(id, value);
  };
  return (
    <fieldset class="card__list" data-list={props.list}>
      <legend>{props.title}</legend>
      {props.items.map((item) => (
        <label key={item.id} class="card__check">
          <input
            type="checkbox"
            data-item={item.id}
            checked={isChecked(item.id)}
            onClick={(e) => {
              if (!props.trusted(e)) {
                e.preventDefault();
                return;
              }
              tick(item.id, (e.currentTarget as HTMLInputElement).checked);
            }}
            onKeyDown={(e) => {
              if (e.key !== 'Enter' || !props.trusted(e)) return;
              e.preventDefault();
              tick(item.id, !isChecked(item.id));
            }}
          />
          <span>{item.text}</span>
        </label>
      ))}
    </fieldset>
  );
}

export function CallCard(props: CallCardProps) {
  const { card, language: lang, actions } = props;
  const stopped = useStoppedClock(props.now ?? 0);
  const clock = props.clock ?? stopped;
  const trusted = props.trusted ?? isTrusted;
  const [name, setName] = useState(card.callerName ?? '');
  const [form, setForm] = useState(false);
  const [saved, setSaved] = useState<string>();
  const takeButton = useRef<HTMLButtonElement>(null);
  /** The form closed by the agent's action: the focus goes back to its button, not to the page. */
  const [refocus, setRefocus] = useState(false);
  useEffect(() => {
    if (!refocus || form) return;
    setRefocus(false);
    takeButton.current?.focus();
  }, [refocus, form]);
  const closeForm = (message?: string) => {
    setForm(false);
    setSaved(message);
    setRefocus(true);
  };
  // A new call, or a name noted elsewhere (the popup, another card): the field follows.
  useEffect(() => setName(card.callerName ?? ''), [card.callKey, card.callerName]);
  useEffect(() => {
    setForm(false);
    setSaved(undefined);
  }, [card.callKey]);

  const noteName = (event: Event) => {
    event.preventDefault();
    if (!trusted(event)) return;
    const clean = name.replace(/\s+/g, ' ').trim();
    if (clean !== (card.callerName ?? '')) actions.callerName(card.callKey, clean);
  };

  const answered = card.answeredAt !== undefined;
  const collapsed = props.collapsed === true;

  return (
    <section
      class={`card card--${card.state}${collapsed ? ' card--folded' : ''}`}
      aria-label={cardString(lang, 'region')}
      tabIndex={-1}
      data-call={card.callKey}
      data-state={card.state}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && trusted(e) && props.onEscape) {
          e.preventDefault();
          e.stopPropagation();
          props.onEscape();
        }
      }}
    >
      <header class="card__head">
        <p class="card__status">
          <span class="card__state" role="status">
            {cardString(lang, card.state)}
          </span>{' '}
          <Ticking class="card__timer" data-timer clock={clock} text={(now) => formatDuration(timerOf(card, now))} />
          {card.holdSince !== undefined && (
            <span class="card__hold" data-hold>
              {' · '}
              <Ticking clock={clock} text={(now) => cardString(lang, 'holdFor', { time: formatDuration(now - (card.holdSince ?? now)) })} />
            </span>
          )}
          {collapsed && (
            <span class="card__line-caller" data-caller>
              {' · '}
              <CallerLine card={card} language={lang} />
            </span>
          )}
        </p>
        {props.onToggle && (
          <button
            type="button"
            class="card__icon"
            data-action="toggle"
            aria-expanded={!collapsed}
            aria-label={cardString(lang, collapsed ? 'expand' : 'collapse')}
            title={cardString(lang, collapsed ? 'expand' : 'collapse')}
            onClick={(e) => trusted(e) && props.onToggle?.()}
          >
            {collapsed ? '▴' : '▾'}
          </button>
        )}
        {props.onClose && !isLive(card) && (
          <button
            type="button"
            class="card__icon"
            data-action="close"
            aria-label={cardString(lang, 'close')}
            title={cardString(lang, 'close')}
            onClick={(e) => trusted(e) && props.onClose?.()}
          >
            ×
          </button>
        )}
      </header>
      {!collapsed && (
        <p class="card__caller" data-caller>
          <CallerLine card={card} language={lang} />
        </p>
      )}
      {!collapsed && card.callerName && (
        <p class="card__use-name" data-use-name>
          {cardString(lang, 'useName', { name: isolate(card.callerName) })}
        </p>
      )}
      {!collapsed && card.greeting?.setupNote && (
        <p class="card__setup" data-setup={card.greeting.missing?.join(' ')}>
          {card.greeting.setupNote}
        </p>
      )}
      {!collapsed && (
        <>
          {answered && (
            <form class="card__name" data-form="caller-name" onSubmit={noteName}>
              <label class="card__field">
                <span>{cardString(lang, 'nameLabel')}</span>
                <input
                  type="text"
                  data-field="caller-name"
                  dir="auto"
                  maxLength={120}
                  value={name}
                  onInput={(e) => trusted(e) && setName((e.currentTarget as HTMLInputElement).value)}
                />
              </label>
              <button type="submit" data-action="note-name">
                {cardString(lang, 'nameSave')}
              </button>
            </form>
          )}
          {card.greeting && (
            <Checklist
              title={cardString(lang, 'greeting')}
              list="greeting"
              items={card.greeting.items}
              checked={card.greeting.checked}
              trusted={trusted}
              onCheck={(part, checked) => actions.greeting(card.callKey, part, checked)}
            />
          )}
          {card.closing && (
            <Checklist
              key={card.closing.key}
              title={cardString(lang, 'closing')}
              list="closing"
              items={card.closing.items}
              checked={card.closing.checked}
              trusted={trusted}
              onCheck={(itemId, checked) => card.closing && actions.closing(card.callKey, itemId, checked)}
            />
          )}
          {card.messages.length > 0 && (
            <ul class="card__messages">
              {card.messages.map((m) => (
                <li key={m.id} data-message={m.id} data-status={m.status}>
                  <span>{cardString(lang, m.status === 'delivered' ? 'delivered' : 'toDeliver', { name: isolate(m.forWhom) })}</span>
                  {m.status === 'to-deliver' && (
                    <button type="button" data-action="delivered" onClick={(e) => trusted(e) && actions.delivered(m.id)}>
                      {cardString(lang, 'markDelivered')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {saved && (
            <p class="card__saved" role="status" data-saved>
              {saved}
            </p>
          )}
          {form ? (
            <MessageForm
              language={lang}
              initial={{ callerName: card.callerName ?? card.remote?.displayName ?? '', callbackNumber: card.remote?.number ?? '' }}
              trusted={trusted}
              onSave={(input) => actions.saveMessage(card.callKey, input)}
              onSaved={(result) => closeForm(cardString(lang, 'messageSaved', { name: isolate(result.message.forWhom) }))}
              onCancel={() => closeForm()}
            />
          ) : (
            <button
              type="button"
              class="card__take"
              ref={takeButton}
              data-action="take-message"
              onClick={(e) => {
                if (!trusted(e)) return;
                setSaved(undefined);
                setForm(true);
              }}
            >
              {cardString(lang, 'takeMessage')}
            </button>
          )}
        </>
      )}
      {props.hint && !collapsed && <p class="card__hint">{cardString(lang, 'hint')}</p>}
    </section>
  );
}
