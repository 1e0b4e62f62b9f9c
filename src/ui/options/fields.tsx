/**
 * The options page's controls bound to a configuration path: each knows its label, whether the
 * policy locks it, its save state, and what "cleared" means (back to the default).
 */
import type { ComponentChildren } from 'preact';
import { getIn, pathKey, type Path } from '../shared/config-paths';
import { DebouncedInput } from '../shared/components/debounced-input';
import { Field, noteId } from '../shared/components/field';
import { t } from '../shared/i18n';
import { controlId, type Form } from './form';

interface BaseProps {
  form: Form;
  path: Path;
  label: ComponentChildren;
  hint?: ComponentChildren;
  /** Save state and lock under another key than the path (a control that saves its parent). */
  fieldKey?: string;
}

function bindingOf({ form, path, fieldKey }: BaseProps) {
  const key = fieldKey ?? pathKey(path);
  const id = controlId(key);
  const state = form.state(key);
  return { key, id, locked: form.locked(key), state, invalid: state?.state === 'error' };
}

export interface TextFieldProps extends BaseProps {
  /** What the control shows; by default the effective value at `path`. */
  value?: string;
  placeholder?: string;
  multiline?: boolean;
  rows?: number;
  list?: string;
  /** By default: empty removes the local value (the default or the policy's comes back). */
  onCommit?(text: string): void;
}

export function TextField(props: TextFieldProps) {
  const { form, path } = props;
  const base = bindingOf(props);
  const value = props.value ?? String(getIn(form.view.effective, path) ?? '');
  const commit = props.onCommit ?? ((text: string) => form.set(path, text.trim() === '' ? undefined : text, base.key));
  return (
    <Field id={base.id} label={props.label} hint={props.hint} language={form.language} fieldKey={base.key} locked={base.locked} state={base.state}>
      <DebouncedInput
        id={base.id}
        testid={`field-${base.key}`}
        value={value}
        placeholder={props.placeholder}
        multiline={props.multiline}
        rows={props.rows}
        list={props.list}
        debounceMs={form.debounceMs}
        disabled={base.locked}
        invalid={base.invalid}
        describedBy={noteId(base.id)}
        onCommit={commit}
      />
    </Field>
  );
}

export interface NumberFieldProps extends BaseProps {
  unit: string;
  /** Valid range in the units shown. */
  min: number;
  max: number;
  /** Shown = stored × scale (a share 0.4 shown as 40 %). */
  scale?: number;
  integer?: boolean;
}

export function NumberField(props: NumberFieldProps) {
  const { form, path, min, max, unit } = props;
  const scale = props.scale ?? 1;
  const base = bindingOf(props);
  const stored = getIn(form.view.effective, path);
  const shown = typeof stored === 'number' ? String(Math.round(stored * scale * 100) / 100) : '';
  // "1–600 s", but "1–100" for a count.
  const spacedUnit = unit === '' ? '' : ` ${unit}`;
  const commit = (text: string) => {
    const trimmed = text.trim().replace(',', '.');
    if (trimmed === '') {
      form.set(path, undefined, base.key);
      return;
    }
    const n = Number(trimmed);
    if (!Number.isFinite(n)) return form.setFieldError(base.key, t(form.language, 'options_not_a_number'));
    if (props.integer && !Number.isInteger(n)) return form.setFieldError(base.key, t(form.language, 'options_whole_number'));
    if (n < min || n > max) return form.setFieldError(base.key, t(form.language, 'options_out_of_range', { min, max, unit: spacedUnit }));
    form.set(path, scale === 1 ? n : n / scale, base.key);
  };
  return (
    <Field
      id={base.id}
      label={props.label}
      hint={props.hint ?? t(form.language, 'options_range', { min, max, unit: spacedUnit })}
      language={form.language}
      fieldKey={base.key}
      locked={base.locked}
      state={base.state}
    >
      <DebouncedInput
        id={base.id}
        testid={`field-${base.key}`}
        type="number"
        min={min}
        max={max}
        step={props.integer ? 1 : 'any'}
        class="number"
        value={shown}
        debounceMs={form.debounceMs}
        disabled={base.locked}
        invalid={base.invalid}
        describedBy={noteId(base.id)}
        onCommit={commit}
      />
      {unit !== '' && (
        <span class="unit" aria-hidden="true">
          {unit}
        </span>
      )}
    </Field>
  );
}

export interface SelectFieldProps extends BaseProps {
  options: readonly { value: string; label: string }[];
  value?: string;
  onSelect?(value: string): void;
}

export function SelectField(props: SelectFieldProps) {
  const { form, path } = props;
  const base = bindingOf(props);
  const value = props.value ?? String(getIn(form.view.effective, path) ?? '');
  const select = props.onSelect ?? ((next: string) => form.set(path, next, base.key));
  return (
    <Field id={base.id} label={props.label} hint={props.hint} language={form.language} fieldKey={base.key} locked={base.locked} state={base.state}>
      <select
        id={base.id}
        data-testid={`field-${base.key}`}
        value={value}
        disabled={base.locked}
        aria-describedby={noteId(base.id)}
        onChange={(e) => select(e.currentTarget.value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckboxField(props: BaseProps) {
  const { form, path } = props;
  const base = bindingOf(props);
  return (
    <Field id={base.id} inline label={props.label} hint={props.hint} language={form.language} fieldKey={base.key} locked={base.locked} state={base.state}>
      <input
        type="checkbox"
        id={base.id}
        data-testid={`field-${base.key}`}
        checked={getIn(form.view.effective, path) === true}
        disabled={base.locked}
        aria-describedby={noteId(base.id)}
        onChange={(e) => form.set(path, e.currentTarget.checked, base.key)}
      />
    </Field>
  );
}
