/**
 * One labelled control with its note: a hint, the policy lock, the save state. The control gets
 * `id` and `aria-describedby={noteId(id)}` from its caller, so the note is read with it.
 */
import type { ComponentChildren } from 'preact';
import type { Language } from '../../../core/coach/types';
import type { FieldState } from '../use-settings';
import { FieldStatus } from './field-status';
import { LockMarker } from './lock-marker';

export const noteId = (id: string): string => `${id}-note`;

export interface FieldProps {
  id: string;
  label: ComponentChildren;
  language: Language;
  /** The dotted configuration path this control edits. */
  fieldKey: string;
  locked: boolean;
  state: FieldState | undefined;
  hint?: ComponentChildren;
  /** Checkboxes: the control first, then its label. */
  inline?: boolean;
  children: ComponentChildren;
}

export function Field(props: FieldProps) {
  const label = <label for={props.id}>{props.label}</label>;
  return (
    <div class={props.inline ? 'field field--inline' : 'field'}>
      {props.inline ? (
        <span class="field__row">
          {props.children}
          {label}
        </span>
      ) : (
        <>
          {label}
          <span class="field__control">{props.children}</span>
        </>
      )}
      <FieldNote {...props} />
    </div>
  );
}

export function FieldNote(props: Pick<FieldProps, 'id' | 'language' | 'fieldKey' | 'locked' | 'state' | 'hint'>) {
  return (
    <span class="field__note" id={noteId(props.id)} aria-live="polite">
      {props.hint && <span class="hint">{props.hint}</span>}
      {props.locked && <LockMarker language={props.language} path={props.fieldKey} />}
      <FieldStatus language={props.language} state={props.state} fieldKey={props.fieldKey} />
    </span>
  );
}
