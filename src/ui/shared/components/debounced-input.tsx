/**
 * A text input (or textarea) that reports its value once the typing pauses (`debounceMs`), on
 * blur, and when it goes away, never on every key. While a typed value is not yet saved (or was
 * refused), the input keeps showing it rather than snapping back to the stored value.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface DebouncedInputProps {
  id: string;
  value: string;
  onCommit(value: string): void;
  debounceMs: number;
  multiline?: boolean;
  type?: 'text' | 'number';
  disabled?: boolean;
  placeholder?: string;
  describedBy?: string;
  testid?: string;
  min?: number;
  max?: number;
  step?: number | 'any';
  rows?: number;
  list?: string;
  invalid?: boolean;
  autoComplete?: string;
  spellcheck?: boolean;
  class?: string;
}

export function DebouncedInput(props: DebouncedInputProps) {
  const { value, onCommit, debounceMs, multiline } = props;
  const [typed, setTyped] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef<string>('');
  const commit = useRef(onCommit);
  commit.current = onCommit;

  const flush = () => {
    if (timer.current === undefined) return;
    clearTimeout(timer.current);
    timer.current = undefined;
    commit.current(latest.current);
  };

  // Leaving the page (or the field being removed) must not drop the last keystrokes.
  useEffect(() => flush, []);

  // Once the stored value caught up with what was typed, show the stored one again.
  useEffect(() => {
    if (typed !== null && typed === value && timer.current === undefined) setTyped(null);
  }, [typed, value]);

  const onInput = (event: Event) => {
    const next = (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    latest.current = next;
    setTyped(next);
    if (timer.current !== undefined) clearTimeout(timer.current);
    timer.current = undefined;
    if (debounceMs <= 0) {
      commit.current(next);
      return;
    }
    timer.current = setTimeout(() => {
      timer.current = undefined;
      commit.current(next);
    }, debounceMs);
  };

  const common = {
    id: props.id,
    value: typed ?? value,
    onInput,
    onBlur: flush,
    disabled: props.disabled,
    placeholder: props.placeholder,
    'aria-describedby': props.describedBy,
    'aria-invalid': props.invalid ? ('true' as const) : undefined,
    'data-testid': props.testid,
    autoComplete: props.autoComplete,
    spellcheck: props.spellcheck,
    class: props.class,
  };
  if (multiline) return <textarea {...common} rows={props.rows ?? 2} />;
  return (
    <input
      {...common}
      type={props.type ?? 'text'}
      min={props.min}
      max={props.max}
      step={props.step}
      list={props.list}
      inputMode={props.type === 'number' ? 'decimal' : undefined}
    />
  );
}
