/**
 * The message form (`take-message`): caller's name, for whom, callback wanted and its number,
 * the message. The background validates it (`validateMessage`) and refuses it, with every
 * error, without the name, the recipient and the message, or with a callback number that is not
 * one; the errors show next to their fields and the first one gets the focus (the agent just
 * pressed Save: moving the focus is theirs). Props only; text only.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Language } from '../../core/coach/types';
import type { MessageInput, TakeMessageResult } from '../../core/messages';
import { cardString, type CardStringId } from './strings';

export interface MessageFormProps {
  language: Language;
  /** Filled in from the call (the noted name, the softphone's number). */
  initial?: Partial<MessageInput>;
  onSave(input: MessageInput): Promise<TakeMessageResult | undefined>;
  onSaved(result: Extract<TakeMessageResult, { ok: true }>): void;
  onCancel(): void;
  /** Whether an event comes from the agent (page scripts' synthetic events do not count). */
  trusted(event: Event): boolean;
}

type Field = keyof MessageInput;
const FIELDS: readonly Field[] = ['callerName', 'forWhom', 'callbackWanted', 'callbackNumber', 'text'];
const LABELS: Record<Field, CardStringId> = {
  callerName: 'messageCaller',
  forWhom: 'messageFor',
  callbackWanted: 'messageCallback',
  callbackNumber: 'messageNumber',
  text: 'messageText',
};

const errorText = (language: Language, error: { code: string; message: string }): string =>
  error.code === 'storage'
    ? cardString(language, 'storage', { reason: error.message })
    : cardString(language, (['required', 'too-long', 'not-a-phone-number'].includes(error.code) ? error.code : 'invalid') as CardStringId);

export function MessageForm(props: MessageFormProps) {
  const { language: lang } = props;
  const [input, setInput] = useState<MessageInput>({
    callerName: props.initial?.callerName ?? '',
    forWhom: props.initial?.forWhom ?? '',
    callbackWanted: props.initial?.callbackWanted ?? false,
    callbackNumber: props.initial?.callbackNumber ?? '',
    text: props.initial?.text ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<Field | '', string>>>({});
  const [saving, setSaving] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // Opened by the agent (a click or a key on "Take a message"): the first field takes the focus.
  useEffect(() => form.current?.querySelector<HTMLElement>('[data-field]')?.focus(), []);

  const set = (field: Field, value: string | boolean) => setInput((current) => ({ ...current, [field]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!props.trusted(event) || saving) return;
    setSaving(true);
    const result = await props.onSave(input).catch((error: unknown) => ({
      ok: false as const,
      errors: [{ path: '', code: 'storage' as const, message: error instanceof Error ? error.message : String(error) }],
    }));
    setSaving(false);
    if (!result) return;
    if (result.ok) {
      props.onSaved(result);
      return;
    }
    const next: Partial<Record<Field | '', string>> = {};
    for (const error of result.errors) {
      const path = (FIELDS as readonly string[]).includes(error.path) ? (error.path as Field) : '';
      next[path] ??= errorText(lang, error);
    }
    setErrors(next);
    const first = FIELDS.find((f) => next[f] !== undefined);
    if (first) form.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
  };

  const text = (field: Exclude<Field, 'callbackWanted'>, multiline = false) => {
    const error = errors[field];
    const common = {
      'data-field': field,
      value: input[field],
      'aria-invalid': error ? ('true' as const) : undefined,
      onInput: (e: Event) => props.trusted(e) && set(field, (e.currentTarget as HTMLInputElement).value),
    };
    return (
      <label class="card__field">
        <span>{cardString(lang, LABELS[field])}</span>
        {multiline ? <textarea rows={3} {...common} /> : field === 'callbackNumber' ? <input type="tel" {...common} /> : <input type="text" {...common} />}
        {error && (
          <span class="card__error" data-error={field} role="alert">
            {error}
          </span>
        )}
      </label>
    );
  };

  return (
    <form class="card__form" data-form="message" ref={form} onSubmit={(e) => void submit(e)} noValidate>
      {text('callerName')}
      {text('forWhom')}
      <label class="card__check">
        <input
          type="checkbox"
          data-field="callbackWanted"
          checked={input.callbackWanted}
          onChange={(e) => props.trusted(e) && set('callbackWanted', (e.currentTarget as HTMLInputElement).checked)}
        />
        <span>{cardString(lang, 'messageCallback')}</span>
      </label>
      {input.callbackWanted && text('callbackNumber')}
      {text('text', true)}
      {errors[''] && (
        <p class="card__error" data-error="" role="alert">
          {errors['']}
        </p>
      )}
      <div class="card__actions">
        <button type="submit" data-action="save-message" disabled={saving}>
          {cardString(lang, 'messageSave')}
        </button>
        <button type="button" data-action="cancel-message" onClick={(e) => props.trusted(e) && props.onCancel()}>
          {cardString(lang, 'messageCancel')}
        </button>
      </div>
    </form>
  );
}
