/**
 * What every section of the options page gets: the view, the page language, and the ways to
 * change a value. Built once per render by the app from `useSettings`; sections never reach the
 * browser themselves.
 */
import type { Language } from '../../core/coach/types';
import type { SettingsView } from '../../core/messages';
import { isLockedPath, pathKey, type Path } from '../shared/config-paths';
import type { FieldState, SettingsModel } from '../shared/use-settings';

export interface Form {
  view: SettingsView;
  language: Language;
  /** How long text fields wait after the last keystroke before saving. */
  debounceMs: number;
  locked(key: string): boolean;
  state(key: string): FieldState | undefined;
  /** Save one value (undefined: back to the default). */
  set(path: Path, value: unknown, statusKey?: string): void;
  change: SettingsModel['change'];
  saveAgent: SettingsModel['saveAgent'];
  setFieldError: SettingsModel['setFieldError'];
  refresh(): Promise<void>;
}

export function createForm(model: SettingsModel, view: SettingsView, debounceMs: number): Form {
  return {
    view,
    language: view.language,
    debounceMs,
    locked: (key) => isLockedPath(view.locked, key),
    state: model.fieldState,
    set: (path, value, statusKey) => void model.change([[path, value]], statusKey ?? pathKey(path)),
    change: model.change,
    saveAgent: model.saveAgent,
    setFieldError: model.setFieldError,
    refresh: model.refresh,
  };
}

/** A DOM id for a configuration path (dots and other characters CSS would trip on become "_"). */
export const controlId = (key: string): string => `f-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
