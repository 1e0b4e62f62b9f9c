/**
 * The return-call queue (`return-call`): missed calls and callback requests, soonest deadline
 * first, each with its due time (the end of the next business day), the same-day target, and
 * what the agent can do: mark it returned, or, when the due time will be missed, tell the caller
 * why and when (the new time becomes the deadline). Props only; text only.
 */
import { useState } from 'preact/hooks';
import type { Language } from '../../../core/coach/types';
import type { ReturnCallAction } from '../../../core/messages';
import { deadlineOf, sortQueue, type ReturnCall } from '../../../core/return-calls';
import { formatDayTime, fromLocalInput, toLocalInput } from '../format';
import { t } from '../i18n';

export interface ReturnCallListProps {
  entries: readonly ReturnCall[];
  language: Language;
  timeZone: string;
  now: number;
  /** How long before the deadline "will be missed" is shown (the reminder's lead). */
  leadMs: number;
  onAction(id: string, action: ReturnCallAction): void;
}

function callerOf(entry: ReturnCall, language: Language): string {
  const { name, number } = entry.caller;
  if (name && number && name !== number) return `${name} · ${number}`;
  return name ?? number ?? t(language, 'history_unknown_caller');
}

function Entry({ entry, props }: { entry: ReturnCall; props: ReturnCallListProps }) {
  const { language: lang, timeZone, now } = props;
  const [telling, setTelling] = useState(false);
  const [promised, setPromised] = useState(() => toLocalInput(Math.max(now, deadlineOf(entry)) + 86_400_000));
  const deadline = deadlineOf(entry);
  const done = entry.status === 'done';
  const overdue = !done && deadline <= now;
  const willMiss = !done && !overdue && deadline - now <= props.leadMs;
  const state = done ? 'done' : overdue ? 'overdue' : willMiss ? 'due-soon' : entry.status;
  const promisedAt = fromLocalInput(promised);
  return (
    <li class={`item item--${state}`} data-testid="return-call" data-id={entry.id} data-status={entry.status} data-state={state} data-due={entry.dueAt}>
      <p class="item__title">
        {callerOf(entry, lang)}
        <span class="item__meta">
          {' · '}
          {t(lang, entry.reason === 'missed' ? 'history_return_missed' : 'history_return_callback')}
          {entry.assignee && ` · ${t(lang, 'history_return_for', { name: entry.assignee })}`}
        </span>
      </p>
      <p class="item__detail" data-testid="return-call-due">
        {entry.status === 'told-caller' && entry.promisedAt !== undefined
          ? t(lang, 'history_return_promised', { at: formatDayTime(entry.promisedAt, lang, timeZone) })
          : t(lang, 'history_return_due', { at: formatDayTime(entry.dueAt, lang, timeZone) })}
        {entry.sameDayTarget !== null && entry.sameDayTarget !== entry.dueAt && entry.status === 'open' && (
          <span data-testid="return-call-same-day">
            {' · '}
            {t(lang, 'history_return_same_day', { at: formatDayTime(entry.sameDayTarget, lang, timeZone) })}
          </span>
        )}
      </p>
      {overdue && (
        <p class="item__warn" role="status">
          {t(lang, 'history_return_overdue')}
        </p>
      )}
      {willMiss && (
        <p class="item__warn" role="status">
          {t(lang, 'history_return_will_miss')}
        </p>
      )}
      {entry.note && <p class="item__text">{entry.note}</p>}
      <div class="item__actions">
        {done ? (
          <button type="button" data-testid="return-call-reopen" onClick={() => props.onAction(entry.id, { type: 'reopen' })}>
            {t(lang, 'history_return_reopen')}
          </button>
        ) : (
          <>
            <button type="button" data-testid="return-call-done" onClick={() => props.onAction(entry.id, { type: 'done' })}>
              {t(lang, 'history_return_done')}
            </button>
            <button type="button" data-testid="return-call-tell" aria-expanded={telling} onClick={() => setTelling(!telling)}>
              {t(lang, 'history_return_tell')}
            </button>
          </>
        )}
      </div>
      {telling && !done && (
        <form
          class="item__form"
          data-testid="return-call-tell-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (promisedAt === null || promisedAt <= Date.now()) return;
            setTelling(false);
            props.onAction(entry.id, { type: 'told-caller', promisedAt });
          }}
        >
          <label>
            {t(lang, 'history_return_promise_label')}{' '}
            <input type="datetime-local" data-testid="return-call-promised" value={promised} onInput={(e) => setPromised((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <button type="submit" data-testid="return-call-told">
            {t(lang, 'history_return_told')}
          </button>
        </form>
      )}
    </li>
  );
}

export function ReturnCallList(props: ReturnCallListProps) {
  if (props.entries.length === 0) {
    return (
      <p class="hint" data-testid="return-calls-none">
        {t(props.language, 'history_return_none')}
      </p>
    );
  }
  return (
    <ul class="items" data-testid="return-calls">
      {sortQueue(props.entries).map((entry) => (
        <Entry key={entry.id} entry={entry} props={props} />
      ))}
    </ul>
  );
}
