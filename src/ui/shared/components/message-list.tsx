/**
 * Messages taken and not yet delivered (`take-message`): each stays "to deliver" until the agent
 * marks it delivered. Props only; names, numbers and texts are the agent's and the caller's:
 * text only.
 */
import type { Language } from '../../../core/coach/types';
import type { TakenMessage } from '../../../core/messages-taken';
import { formatDayTime } from '../format';
import { t } from '../i18n';

export interface MessageListProps {
  messages: readonly TakenMessage[];
  language: Language;
  timeZone: string;
  now: number;
  /** The reminder delay: a message older than this is shown as late. */
  reminderMs: number;
  onDelivered(id: string): void;
}

export function MessageList({ messages, language: lang, timeZone, now, reminderMs, onDelivered }: MessageListProps) {
  if (messages.length === 0) {
    return (
      <p class="hint" data-testid="messages-none">
        {t(lang, 'history_messages_none')}
      </p>
    );
  }
  return (
    <ul class="items" data-testid="messages">
      {messages.map((m) => {
        const late = m.status === 'to-deliver' && now - m.createdAt >= reminderMs;
        return (
          <li key={m.id} class={late ? 'item item--late' : 'item'} data-testid="message" data-id={m.id} data-status={m.status}>
            <p class="item__title">
              {t(lang, 'history_message_for', { forWhom: m.forWhom, caller: m.callerName })}
              <span class="item__meta">
                {' · '}
                {formatDayTime(m.createdAt, lang, timeZone)}
                {late && ` · ${t(lang, 'history_message_late')}`}
              </span>
            </p>
            {m.callbackWanted && (
              <p class="item__detail" data-testid="message-callback">
                {t(lang, 'history_message_callback', { number: m.callbackNumber ?? '' })}
              </p>
            )}
            <p class="item__text">{m.text}</p>
            {m.status === 'to-deliver' && (
              <button type="button" data-testid="message-delivered" onClick={() => onDelivered(m.id)}>
                {t(lang, 'history_message_mark_delivered')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
