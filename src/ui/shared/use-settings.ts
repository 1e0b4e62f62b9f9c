/**
 * The pages' view of the settings, and every change saved at once through `UiActions`.
 *
 * A change is applied to a draft of the team lead's *local* partial configuration (never to the
 * effective one: policy values must not come back as local ones), checked with the core's schema
 * first (an invalid value is shown next to its field and never sent), then saved; saves run one
 * after another, each with the draft as it is then, so quick changes to two fields cannot undo
 * each other. After every save the view is fetched again; the client also reports changes made
 * elsewhere (another page, a policy update, a permission granted).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CoachConfigInput, ConfigError } from '../../core/coach/config';
import { checkConfigInput } from '../../core/config-layers';
import type { AgentSettings, SettingsView } from '../../core/messages';
import type { SaveResult, UiActions } from './actions';
import { pathKey, setIn, type Path } from './config-paths';

export type FieldState =
  | { state: 'saving' }
  | { state: 'saved' }
  | { state: 'error'; errors: readonly ConfigError[] };

export interface SettingsModel {
  view: SettingsView | undefined;
  loadError: string | undefined;
  /** The save state of the field at this dotted path (`agent.name` for the agent's own). */
  fieldState(key: string): FieldState | undefined;
  /**
   * Set (or with `undefined` remove, i.e. back to the default) values of the local configuration.
   * Resolves once saved or refused; the field at `statusKey` (default: the first path) shows it.
   */
  change(changes: readonly (readonly [Path, unknown])[], statusKey?: string): Promise<SaveResult>;
  saveAgent(patch: Partial<AgentSettings>, statusKey: string): Promise<SaveResult>;
  /** Show a problem found before saving (e.g. not a number) next to a field. */
  setFieldError(key: string, message: string | undefined): void;
  refresh(): Promise<void>;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function useSettings(actions: UiActions): SettingsModel {
  const [view, setView] = useState<SettingsView>();
  const [loadError, setLoadError] = useState<string>();
  const [fields, setFields] = useState<Readonly<Record<string, FieldState>>>({});
  const draft = useRef<CoachConfigInput | undefined>(undefined);
  const agentDraft = useRef<AgentSettings | undefined>(undefined);
  const pending = useRef(0);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const alive = useRef(true);

  /** Fields showing an error that another field's save reported (cleared by the next good save). */
  const borrowed = useRef(new Set<string>());

  const setField = useCallback((key: string, state: FieldState | undefined) => {
    if (!alive.current) return;
    setFields((all) => {
      const next = { ...all };
      if (state) next[key] = state;
      else delete next[key];
      return next;
    });
  }, []);

  /**
   * The field that was changed shows every error of its refused save; each error is also shown
   * at its own path, so a field that holds the offending value says so too.
   */
  const showErrors = useCallback(
    (key: string, errors: readonly ConfigError[]) => {
      setField(key, { state: 'error', errors });
      for (const error of errors) {
        if (error.path === '' || error.path === key) continue;
        borrowed.current.add(error.path);
        setField(error.path, { state: 'error', errors: [error] });
      }
    },
    [setField],
  );

  const clearBorrowed = useCallback(() => {
    for (const path of borrowed.current) setField(path, undefined);
    borrowed.current.clear();
  }, [setField]);

  const refresh = useCallback(async () => {
    try {
      const next = await actions.getSettings();
      if (!alive.current) return;
      setView(next);
      setLoadError(undefined);
      // While saves are queued the draft holds changes the view does not have yet.
      if (pending.current === 0) {
        draft.current = next.local;
        agentDraft.current = next.agent;
      }
    } catch (error) {
      if (alive.current) setLoadError(messageOf(error));
    }
  }, [actions]);

  useEffect(() => {
    alive.current = true;
    void refresh();
    const stop = actions.onSettingsChanged(() => void refresh());
    return () => {
      alive.current = false;
      stop();
    };
  }, [actions, refresh]);

  const enqueue = useCallback(
    (key: string, save: () => Promise<SaveResult>): Promise<SaveResult> => {
      pending.current += 1;
      setField(key, { state: 'saving' });
      const done = queue.current.then(async (): Promise<SaveResult> => {
        let result: SaveResult;
        try {
          result = await save();
        } catch (error) {
          result = { ok: false, errors: [{ path: key, message: messageOf(error) }] };
        }
        if (result.ok) {
          clearBorrowed();
          setField(key, { state: 'saved' });
        } else {
          showErrors(key, result.errors);
        }
        pending.current -= 1;
        await refresh();
        return result;
      });
      queue.current = done.then(() => undefined);
      return done;
    },
    [refresh, setField, showErrors, clearBorrowed],
  );

  const change = useCallback<SettingsModel['change']>(
    (changes, statusKey) => {
      const first = changes[0];
      if (!first) return Promise.resolve({ ok: true });
      const key = statusKey ?? pathKey(first[0]);
      let candidate: CoachConfigInput = draft.current ?? view?.local ?? {};
      for (const [path, value] of changes) candidate = setIn(candidate, path, value);
      const checked = checkConfigInput(candidate);
      if (!checked.ok) {
        showErrors(key, checked.errors);
        return Promise.resolve({ ok: false, errors: checked.errors });
      }
      draft.current = candidate;
      return enqueue(key, () => actions.saveTeamConfig(candidate));
    },
    [actions, enqueue, showErrors, view],
  );

  const saveAgent = useCallback<SettingsModel['saveAgent']>(
    (patch, statusKey) => {
      const base = agentDraft.current ?? view?.agent ?? { name: '', language: null };
      const next = { ...base, ...patch };
      agentDraft.current = next;
      return enqueue(statusKey, () => actions.saveAgentSettings(next));
    },
    [actions, enqueue, view],
  );

  const setFieldError = useCallback<SettingsModel['setFieldError']>(
    (key, message) => setField(key, message === undefined ? undefined : { state: 'error', errors: [{ path: key, message }] }),
    [setField],
  );

  return useMemo(
    () => ({ view, loadError, fieldState: (key: string) => fields[key], change, saveAgent, setFieldError, refresh }),
    [view, loadError, fields, change, saveAgent, setFieldError, refresh],
  );
}
