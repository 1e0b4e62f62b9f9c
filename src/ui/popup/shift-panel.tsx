/**
 * The agent's shift in the popup: the call on now (the same card as on the softphone page, its
 * ticks and notes recorded with the call through the coach), today's figures, the messages to
 * deliver with a message form, and the return-call queue. Refreshed every `refreshMs` while the
 * popup is open (timers, a call that starts), and after every action. Props only.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { GreetingPart, Language } from '../../core/coach/types';
import type { CoachStatus, ShiftView } from '../../core/messages';
import { CallCard, type CardActions } from '../../content/card/call-card';
import { MessageForm } from '../../content/card/message-form';
import type { ShiftActions } from '../shared/actions';
import { HistoryProblemBanner } from '../shared/components/history-problem';
import { MessageList } from '../shared/components/message-list';
import { ReturnCallList } from '../shared/components/return-call-list';
import { FigureList } from '../shared/components/shift-figures';
import { t } from '../shared/i18n';

export interface ShiftPanelProps {
  actions: ShiftActions;
  language: Language;
  refreshMs: number;
  /** `take-message.reminderMinutes` and `return-call.reminderLeadMinutes`, in ms. */
  reminderMs: number;
  leadMs: number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const always = () => true;

export function ShiftPanel({ actions, language: lang, refreshMs, reminderMs, leadMs }: ShiftPanelProps) {
  const [view, setView] = useState<ShiftView>();
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(() => Date.now());
  const [form, setForm] = useState(false);
  const [saved, setSaved] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      const next = await actions.shiftView();
      setView(next);
      setNow(Date.now());
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [actions]);

  useEffect(() => {
    void refresh();
    if (refreshMs <= 0) return;
    const timer = setInterval(() => void refresh(), refreshMs);
    return () => clearInterval(timer);
  }, [refresh, refreshMs]);

  const after = (done: Promise<unknown>) => void done.then(refresh, (e: unknown) => setError(messageOf(e)));
  const cardActions: CardActions = {
    callerName: (callKey, name) => after(actions.cardNote(callKey, { type: 'caller-name', name })),
    greeting: (callKey, part, checked) => after(actions.cardNote(callKey, { type: 'greeting-part', part: part as GreetingPart, checked })),
    // A tick on the closing list answers that call's closing nudge.
    closing: (callKey, itemId, checked) => {
      const key = view?.cards.find((c) => c.callKey === callKey)?.closing?.key;
      if (key) after(actions.cardCheck(key, itemId, checked));
    },
    saveMessage: async (callKey, input) => {
      const result = await actions.takeMessage(input, callKey);
      void refresh();
      return result;
    },
    delivered: (id) => after(actions.markMessageDelivered(id)),
  };

  if (!view) {
    return error ? (
      <p role="alert" data-testid="shift-error">
        {t(lang, 'popup_shift_failed')} {error}
      </p>
    ) : (
      <div aria-busy="true" data-testid="shift-loading" />
    );
  }
  const card = view.cards.find((c) => c.endedAt === undefined) ?? view.cards[0];

  return (
    <div class="shift" data-testid="shift">
      <HistoryProblemBanner problem={view.problem} language={lang} />
      <CoachStatusLine status={view.coach} language={lang} timeZone={view.timeZone} />
      {error && (
        <p role="alert" data-testid="shift-error">
          {t(lang, 'popup_shift_failed')} {error}
        </p>
      )}
      <section class="popup__now" data-testid="popup-now" aria-labelledby="popup-now-title">
        <h2 id="popup-now-title">{t(lang, 'popup_now_title')}</h2>
        {card ? (
          <div data-testid="popup-card">
            <CallCard key={card.callKey} card={card} language={lang} now={now} actions={cardActions} trusted={always} />
          </div>
        ) : (
          <p class="hint" data-testid="popup-no-call">
            {t(lang, 'popup_no_call')}
          </p>
        )}
      </section>

      {view.today && (
        <section aria-labelledby="popup-today-title" data-testid="popup-today">
          <h2 id="popup-today-title">{t(lang, 'popup_today_title')}</h2>
          <FigureList figures={view.today} language={lang} short />
        </section>
      )}

      <section aria-labelledby="popup-messages-title" data-testid="popup-messages">
        <h2 id="popup-messages-title">{t(lang, 'popup_messages_title')}</h2>
        <MessageList
          messages={view.messages}
          language={lang}
          timeZone={view.timeZone}
          now={now}
          reminderMs={reminderMs}
          onDelivered={(id) => after(actions.markMessageDelivered(id))}
        />
        {saved && (
          <p role="status" data-testid="popup-message-saved">
            {saved}
          </p>
        )}
        {form ? (
          <MessageForm
            language={lang}
            trusted={always}
            onSave={async (input) => {
              const result = await actions.takeMessage(input);
              void refresh();
              return result;
            }}
            onSaved={(result) => {
              setForm(false);
              setSaved(t(lang, 'popup_message_saved', { name: result.message.forWhom }));
            }}
            onCancel={() => setForm(false)}
          />
        ) : (
          <button
            type="button"
            data-testid="popup-take-message"
            onClick={() => {
              setSaved(undefined);
              setForm(true);
            }}
          >
            {t(lang, 'popup_take_message')}
          </button>
        )}
      </section>

      <section aria-labelledby="popup-returns-title" data-testid="popup-returns">
        <h2 id="popup-returns-title">{t(lang, 'popup_returns_title')}</h2>
        <ReturnCallList
          entries={view.returnCalls}
          language={lang}
          timeZone={view.timeZone}
          now={now}
          leadMs={leadMs}
          onAction={(id, action) => after(actions.returnCallAction(id, action))}
        />
      </section>
    </div>
  );
}

/** The coach's own state, when it has something to say: saves refused (coaching from memory), damaged states set aside. */
function CoachStatusLine({ status, language, timeZone }: { status: CoachStatus | undefined; language: Language; timeZone: string }) {
  if (!status?.memoryOnly && !status?.setAside) return null;
  const time = (at: number) => new Intl.DateTimeFormat(language === 'lv' ? 'lv-LV' : 'en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return (
    <div class="banner" role="status" data-testid="coach-status">
      {status.memoryOnly && (
        <p data-testid="coach-memory-only">
          <span aria-hidden="true">⚠ </span>
          {t(language, 'popup_coach_memory_only', { reason: status.memoryOnly.reason, since: time(status.memoryOnly.since) })}
        </p>
      )}
      {status.setAside && (
        <p data-testid="coach-set-aside" data-count={status.setAside.count}>
          {t(language, 'popup_coach_set_aside', { count: status.setAside.count, reason: status.setAside.reason })}
        </p>
      )}
    </div>
  );
}
