/**
 * The softphone sites: where the coaching runs. Adding one asks the browser for that site in the
 * same click (optional host permissions need a user gesture), then saves it; the background
 * registers the scripts, which start on each tab's next load, so the page offers to reload the
 * site's open tabs. A selector site's selectors can be tried on one of its open tabs.
 */
import { useState } from 'preact/hooks';
import { SELECTOR_KEYS, SITE_PATTERN, type SiteSelectors, type SoftphoneSite } from '../../core/coach/config';
import type { SelectorTestResult, SiteStatus } from '../../core/messages';
import type { SiteTab, UiActions } from '../shared/actions';
import { FieldStatus } from '../shared/components/field-status';
import { LockIcon, LockMarker } from '../shared/components/lock-marker';
import { t } from '../shared/i18n';
import { SITE_CHOICES, SITE_PRESETS } from '../../content/adapters/site-options';
import type { Form } from './form';

type SelectorKey = (typeof SELECTOR_KEYS)[number];

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface SitesSectionProps {
  form: Form;
  actions: UiActions;
}

export function SitesSection({ form, actions }: SitesSectionProps) {
  const { language, view } = form;
  const locked = form.locked('sites');
  const [added, setAdded] = useState<{ pattern: string; tabs: SiteTab[] } | undefined>();
  const [notice, setNotice] = useState<string>();
  const localSites: SoftphoneSite[] = view.local.sites ?? [];

  const remove = (pattern: string) => {
    const next = localSites.filter((s) => s.pattern !== pattern);
    form.set(['sites'], next.length > 0 ? next : undefined, 'sites');
    if (added?.pattern === pattern) setAdded(undefined);
  };

  return (
    <section id="sites" aria-labelledby="sites-title" class="card">
      <h2 id="sites-title">{t(language, 'options_sites_title')}</h2>
      <p class="lead">{t(language, 'options_sites_intro')}</p>
      {locked && <LockMarker language={language} path="sites" />}
      {view.sites.length === 0 ? (
        <p class="hint" data-testid="sites-empty">
          {t(language, 'options_sites_empty')}
        </p>
      ) : (
        <ul class="sites" data-testid="site-list">
          {view.sites.map((status) => (
            <SiteRow
              key={status.site.pattern}
              status={status}
              form={form}
              actions={actions}
              removable={!locked && !status.fromPolicy && localSites.some((s) => s.pattern === status.site.pattern)}
              onRemove={() => remove(status.site.pattern)}
              onNotice={setNotice}
            />
          ))}
        </ul>
      )}
      <FieldStatus language={language} state={form.state('sites')} fieldKey="sites" />
      {notice && (
        <p class="notice" role="status" data-testid="sites-notice">
          {notice}
        </p>
      )}
      {added && <ReloadOffer language={language} actions={actions} added={added} onDone={() => setAdded(undefined)} />}
      <SitePresets form={form} actions={actions} disabled={locked} existing={view.sites.map((s) => s.site.pattern)} onNotice={setNotice} />
      <AddSiteForm
        form={form}
        actions={actions}
        disabled={locked}
        existing={view.sites.map((s) => s.site.pattern)}
        onAdded={(pattern, tabs) => {
          setNotice(undefined);
          setAdded({ pattern, tabs });
        }}
      />
    </section>
  );
}

/**
 * One click per cloud softphone (from the adapter registry): its origins become sites, asked
 * for as optional host permissions in the same click. Their adapters start on their own: the
 * site setting is the default one.
 */
function SitePresets({
  form,
  actions,
  disabled,
  existing,
  onNotice,
}: {
  form: Form;
  actions: UiActions;
  disabled: boolean;
  existing: readonly string[];
  onNotice(text: string | undefined): void;
}) {
  const { language, view } = form;
  const add = (origins: readonly string[]) => {
    const missing = origins.filter((o) => !existing.includes(o));
    if (missing.length === 0) return;
    // Nothing may be awaited before this call: the browser asks only within the user's gesture.
    const request = actions.requestSiteAccess(missing);
    void (async () => {
      try {
        if (!(await request)) {
          onNotice(t(language, 'options_site_not_granted_not_added', { site: missing.join(', ') }));
          return;
        }
        const sites: SoftphoneSite[] = missing.map((pattern) => ({ pattern, adapter: 'sip-websocket' }));
        const saved = await form.change([[['sites'], [...(view.local.sites ?? []), ...sites]]], 'sites');
        onNotice(saved.ok ? undefined : saved.errors.map((e) => e.message).join('; '));
      } catch (error) {
        onNotice(messageOf(error));
      }
    })();
  };
  return (
    <fieldset class="group site-presets" disabled={disabled} data-testid="site-presets">
      <legend>{t(language, 'options_site_presets')}</legend>
      {SITE_PRESETS.map((preset) => {
        const added = preset.origins.every((o) => existing.includes(o));
        return (
          <button
            type="button"
            key={preset.id}
            data-testid={`site-preset-${preset.id}`}
            disabled={added}
            title={preset.origins.join(' ')}
            onClick={() => add(preset.origins)}
          >
            {t(language, added ? 'options_site_preset_added' : 'options_site_preset_add', { name: preset.label })}
          </button>
        );
      })}
    </fieldset>
  );
}

/** A status as a sign and words, so it never depends on color. */
function Badge({ ok, text, testid }: { ok: boolean; text: string; testid: string }) {
  return (
    <span class={ok ? 'badge badge--ok' : 'badge badge--missing'} data-testid={testid} data-ok={String(ok)}>
      <span aria-hidden="true">{ok ? '✓' : '✗'}</span> {text}
    </span>
  );
}

interface SiteRowProps {
  status: SiteStatus;
  form: Form;
  actions: UiActions;
  removable: boolean;
  onRemove(): void;
  onNotice(text: string): void;
}

function SiteRow({ status, form, actions, removable, onRemove, onNotice }: SiteRowProps) {
  const { language } = form;
  const { site } = status;
  const allow = () => {
    // The request first, in the click itself: see UiActions.requestSiteAccess.
    const request = actions.requestSiteAccess(site.pattern);
    void request.then(
      (granted) => {
        onNotice(t(language, granted ? 'options_site_granted' : 'options_site_not_granted', { site: site.pattern }));
        return form.refresh();
      },
      (error: unknown) => onNotice(messageOf(error)),
    );
  };
  return (
    <li class="site" data-testid="site" data-pattern={site.pattern}>
      <div class="site__head">
        <code class="site__pattern">{site.pattern}</code>
        <span class="site__adapter">{t(language, site.adapter === 'selectors' ? 'options_adapter_selectors' : 'options_adapter_sip')}</span>
      </div>
      <div class="site__status">
        <Badge ok={status.granted} testid="site-granted" text={t(language, status.granted ? 'options_site_status_granted' : 'options_site_status_not_granted')} />
        <Badge
          ok={status.registered}
          testid="site-registered"
          text={t(language, status.registered ? 'options_site_status_registered' : 'options_site_status_not_registered')}
        />
        {status.fromPolicy && (
          <span class="badge badge--policy" data-testid="site-policy">
            <LockIcon /> {t(language, 'options_site_status_policy')}
          </span>
        )}
      </div>
      <div class="site__actions">
        {!status.granted && (
          <button type="button" data-testid="site-allow" data-pattern={site.pattern} onClick={allow}>
            {t(language, 'options_site_allow', { site: site.pattern })}
          </button>
        )}
        {removable && (
          <button
            type="button"
            data-testid="site-remove"
            data-pattern={site.pattern}
            aria-label={t(language, 'options_site_remove_label', { site: site.pattern })}
            onClick={onRemove}
          >
            {t(language, 'options_remove')}
          </button>
        )}
      </div>
      {site.adapter === 'selectors' && <SelectorTester language={language} actions={actions} site={site} />}
    </li>
  );
}

function ReloadOffer({
  language,
  actions,
  added,
  onDone,
}: {
  language: Form['language'];
  actions: UiActions;
  added: { pattern: string; tabs: SiteTab[] };
  onDone(): void;
}) {
  const [state, setState] = useState<'offer' | 'reloading' | 'reloaded' | { error: string }>('offer');
  const reload = async () => {
    setState('reloading');
    try {
      await actions.reloadTabs(added.tabs.map((tab) => tab.id));
      setState('reloaded');
    } catch (error) {
      setState({ error: messageOf(error) });
    }
  };
  return (
    <div class="notice" role="status" data-testid="site-added">
      <p>{t(language, 'options_site_added', { site: added.pattern })}</p>
      {added.tabs.length > 0 && state !== 'reloaded' && (
        <>
          <p>{t(language, 'options_site_open_tabs', { count: added.tabs.length })}</p>
          <ul class="list">
            {added.tabs.map((tab) => (
              <li key={tab.id}>{tab.title || tab.url}</li>
            ))}
          </ul>
          <button type="button" data-testid="site-reload-tabs" disabled={state === 'reloading'} onClick={() => void reload()}>
            {t(language, 'options_site_reload_tabs')}
          </button>{' '}
          <button type="button" onClick={onDone}>
            {t(language, 'options_not_now')}
          </button>
        </>
      )}
      {state === 'reloaded' && <p data-testid="site-reloaded">{t(language, 'options_site_reloaded')}</p>}
      {typeof state === 'object' && <p class="status status--error">⚠ {state.error}</p>}
    </div>
  );
}

interface AddSiteFormProps {
  form: Form;
  actions: UiActions;
  disabled: boolean;
  existing: readonly string[];
  onAdded(pattern: string, tabs: SiteTab[]): void;
}

function AddSiteForm({ form, actions, disabled, existing, onAdded }: AddSiteFormProps) {
  const { language, view } = form;
  const [pattern, setPattern] = useState('');
  const [adapter, setAdapter] = useState<SoftphoneSite['adapter']>('sip-websocket');
  const [selectors, setSelectors] = useState<SiteSelectors>({});
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const patternOk = SITE_PATTERN.test(pattern.trim());

  const submit = (event: Event) => {
    event.preventDefault();
    const site = siteFrom(pattern.trim(), adapter, selectors);
    const invalid = !patternOk
      ? t(language, 'options_site_pattern_invalid')
      : existing.includes(site.pattern)
        ? t(language, 'options_site_duplicate')
        : adapter === 'selectors' && !site.selectors?.ringing
          ? t(language, 'options_site_ringing_needed')
          : undefined;
    if (invalid) {
      setProblem(invalid);
      return;
    }
    // Nothing may be awaited before this call: the browser asks only within the user's gesture.
    const request = actions.requestSiteAccess(site.pattern);
    setProblem(undefined);
    setBusy(true);
    void (async () => {
      try {
        if (!(await request)) {
          setProblem(t(language, 'options_site_not_granted_not_added', { site: site.pattern }));
          return;
        }
        const saved = await form.change([[['sites'], [...(view.local.sites ?? []), site]]], 'sites');
        if (!saved.ok) {
          setProblem(saved.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
          return;
        }
        const tabs = await actions.siteTabs(site.pattern).catch(() => []);
        setPattern('');
        setSelectors({});
        onAdded(site.pattern, tabs);
      } catch (error) {
        setProblem(messageOf(error));
      } finally {
        setBusy(false);
      }
    })();
  };

  return (
    <form class="group add-site" data-testid="site-add-form" onSubmit={submit} noValidate>
      <fieldset disabled={disabled}>
        <legend>{t(language, 'options_site_add_title')}</legend>
        <div class="field">
          <label for="site-pattern">{t(language, 'options_site_pattern')}</label>
          <input
            id="site-pattern"
            data-testid="site-add-pattern"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellcheck={false}
            placeholder="https://phone.example.com/*"
            value={pattern}
            aria-invalid={pattern !== '' && !patternOk ? 'true' : undefined}
            aria-describedby="site-pattern-note"
            onInput={(e) => setPattern(e.currentTarget.value)}
          />
          <span class="field__note" id="site-pattern-note">
            <span class="hint">{t(language, 'options_site_pattern_hint')}</span>
            {pattern !== '' && !patternOk && (
              <span class="status status--error" data-testid="site-add-pattern-invalid">
                <span aria-hidden="true">⚠ </span>
                {t(language, 'options_site_pattern_invalid')}
              </span>
            )}
          </span>
        </div>
        <fieldset class="group">
          <legend>{t(language, 'options_site_adapter')}</legend>
          {SITE_CHOICES.map(({ value }) => (
            <span class="field__row" key={value}>
              <input
                type="radio"
                name="site-adapter"
                id={`site-adapter-${value}`}
                data-testid={`site-add-adapter-${value}`}
                value={value}
                checked={adapter === value}
                onChange={() => setAdapter(value)}
              />
              <label for={`site-adapter-${value}`}>
                {t(language, value === 'selectors' ? 'options_adapter_selectors' : 'options_adapter_sip')}
              </label>
            </span>
          ))}
        </fieldset>
        {adapter === 'selectors' && (
          <fieldset class="group" data-testid="site-add-selectors">
            <legend>{t(language, 'options_site_selectors')}</legend>
            <p class="hint">{t(language, 'options_site_selectors_hint')}</p>
            <div class="grid">
              {SELECTOR_KEYS.map((key) => (
                <div class="field" key={key}>
                  <label for={`site-selector-${key}`}>
                    {t(language, `options_selector_${key}`)}
                    {key === 'ringing' ? ` (${t(language, 'options_required')})` : ''}
                  </label>
                  <input
                    id={`site-selector-${key}`}
                    data-testid={`site-add-selector-${key}`}
                    type="text"
                    autoComplete="off"
                    spellcheck={false}
                    required={key === 'ringing'}
                    value={selectors[key] ?? ''}
                    onInput={(e) => setSelectors({ ...selectors, [key]: e.currentTarget.value })}
                  />
                </div>
              ))}
            </div>
          </fieldset>
        )}
        <button type="submit" data-testid="site-add-submit" disabled={busy}>
          {t(language, 'options_site_add')}
        </button>
        {problem && (
          <p class="status status--error" role="alert" data-testid="site-add-problem">
            <span aria-hidden="true">⚠ </span>
            {problem}
          </p>
        )}
      </fieldset>
    </form>
  );
}

function siteFrom(pattern: string, adapter: SoftphoneSite['adapter'], selectors: SiteSelectors): SoftphoneSite {
  if (adapter !== 'selectors') return { pattern, adapter };
  const given: SiteSelectors = {};
  for (const key of SELECTOR_KEYS) {
    const value = selectors[key]?.trim();
    if (value) given[key] = value;
  }
  return { pattern, adapter, selectors: given };
}

function SelectorTester({ language, actions, site }: { language: Form['language']; actions: UiActions; site: SoftphoneSite }) {
  const [tabs, setTabs] = useState<SiteTab[] | undefined>();
  const [tabId, setTabId] = useState<number>();
  const [result, setResult] = useState<SelectorTestResult>();
  const [problem, setProblem] = useState<string>();
  const idBase = `test-${site.pattern.replace(/[^A-Za-z0-9]/g, '_')}`;

  const findTabs = async () => {
    setProblem(undefined);
    setResult(undefined);
    try {
      const found = await actions.siteTabs(site.pattern);
      setTabs(found);
      setTabId(found[0]?.id);
    } catch (error) {
      setProblem(messageOf(error));
    }
  };
  const test = async () => {
    if (tabId === undefined) return;
    setProblem(undefined);
    try {
      setResult(await actions.testSelectors(tabId, site.selectors ?? {}));
    } catch (error) {
      setProblem(messageOf(error));
    }
  };

  return (
    <div class="tester" data-testid="selector-tester">
      <button type="button" data-testid="selector-find-tabs" onClick={() => void findTabs()}>
        {t(language, 'options_selectors_test')}
      </button>
      {tabs && tabs.length === 0 && <p class="hint">{t(language, 'options_selectors_no_tabs')}</p>}
      {tabs && tabs.length > 0 && (
        <div class="inline-form">
          <label for={`${idBase}-tab`}>{t(language, 'options_selectors_tab')}</label>
          <select id={`${idBase}-tab`} data-testid="selector-tab" value={String(tabId)} onChange={(e) => setTabId(Number(e.currentTarget.value))}>
            {tabs.map((tab) => (
              <option key={tab.id} value={String(tab.id)}>
                {tab.title || tab.url}
              </option>
            ))}
          </select>
          <button type="button" data-testid="selector-run" onClick={() => void test()}>
            {t(language, 'options_selectors_run')}
          </button>
        </div>
      )}
      {problem && <p class="status status--error">⚠ {problem}</p>}
      {result && (
        <table class="results" data-testid="selector-results">
          <caption>{t(language, 'options_selectors_results')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(language, 'options_selectors_what')}</th>
              <th scope="col">{t(language, 'options_selectors_selector')}</th>
              <th scope="col">{t(language, 'options_selectors_result')}</th>
            </tr>
          </thead>
          <tbody>
            {SELECTOR_KEYS.map((key) => (
              <SelectorResult key={key} language={language} what={key} selector={site.selectors?.[key]} result={result[key]} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function SelectorResult({
  language,
  what,
  selector,
  result,
}: {
  language: Form['language'];
  what: SelectorKey;
  selector: string | undefined;
  result: SelectorTestResult[SelectorKey];
}) {
  let text: string;
  let ok = false;
  if (!selector) text = t(language, 'options_selectors_not_set');
  else if (!result) text = t(language, 'options_selectors_no_answer');
  else if ('error' in result) text = t(language, 'options_selectors_error', { error: result.error });
  else {
    ok = result.matches > 0;
    text = t(language, 'options_selectors_matches', { count: result.matches });
  }
  return (
    <tr data-selector={what} data-ok={String(ok)}>
      <th scope="row">{t(language, `options_selector_${what}`)}</th>
      <td>
        <code>{selector ?? '—'}</code>
      </td>
      <td>
        <span aria-hidden="true">{ok ? '✓ ' : selector ? '⚠ ' : ''}</span>
        {text}
      </td>
    </tr>
  );
}
