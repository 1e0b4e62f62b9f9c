/** Marks a control the organization's policy sets: an icon and words, never color alone. */
import type { Language } from '../../../core/coach/types';
import { t } from '../i18n';

export function LockIcon() {
  return (
    <svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 3.5a2 2 0 1 1 4 0V7H6V4.5Z"
      />
    </svg>
  );
}

export function LockMarker({ language, path }: { language: Language; path: string }) {
  return (
    <span class="lock" data-testid="locked" data-path={path}>
      <LockIcon /> {t(language, 'options_locked')}
    </span>
  );
}
