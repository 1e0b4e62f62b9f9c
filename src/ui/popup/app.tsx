/**
 * The action popup for the agent: the call on now (its card, as on the softphone page), today's
 * figures, messages to deliver and the return-call queue, a message form, the softphone sites and
 * whether the browser lets the coaching run there, and the way to the settings and the figures
 * page. Props only.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Language } from '../../core/coach/types';
import type { SiteStatus, UncoachedTab } from '../../core/messages';
import type { ShiftActions, UiActions } from '../shared/actions';
import { LockIcon } from '../shared/components/lock-marker';
import { t } from '../shared/i18n';
import { useSettings } from '../shared/use-settings';
import { ShiftPanel } from './shift-panel';

export interface PopupAppProps {
  actions: UiActions & ShiftActions;
  onLanguage?(language: Language): void;
  /** How often the call card and lists are refreshed (ms); tests pass 0 to refresh only on actions. */
  refreshMs?: number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function PopupApp({ actions, onLanguage, refreshMs = 1_000 }: PopupAppProps) {
  const model = useSettings(actions);
  const { view } = model;
  const [notice, setNotice] = useState<string>();
  const language = view?.language;

  useEffect(() => {
    if (language) onLanguage?.(language);
  }, [language, onLanguage]);

  // Softphone tabs the coaching could not reach (the toolbar badge counts them).
  const [uncoached, setUncoached] = useState<UncoachedTab[]>([]);
  useEffect(() => {
    const load = () => void actions.uncoachedTabs().then(setUncoached, () => undefined);
    load();
    if (refreshMs <= 0) return undefined;
    const timer = setInterval(load, refreshMs);
    return () => clearInterval(timer);
  }, [actions, refreshMs]);
  const reload = (tabId: number) =>
    void actions.reloadUncoachedTab(tabId).then(() => actions.uncoachedTabs().then(setUncoached), () => undefined);

  if (!view) {
    return model.loadError ? (
      <main class="popup">
        <p role="alert" data-testid="popup-load-error">
          <span aria-hidden="true">⚠ </span>
          {t('en', 'popup_load_failed')} {model.loadError}
        </p>
      </main>
    ) : (
      <main class="popup" aria-busy="true" data-testid="popup-loading" />
    );
  }

  const lang = view.language;
  const problems = view.errors.local.length + view.errors.policy.length;

  const allow = (site: SiteStatus['site']) => {
    // The request first, within the click: the browser prompts only during the user's gesture.
    // (The popup may close when the prompt opens; the background sees the grant by itself.)
    const request = actions.requestSiteAccess(site.pattern);
    void request.then(
      (granted) => {
        setNotice(t(lang, granted ? 'popup_granted' : 'popup_not_granted', { site: site.pattern }));
        return model.refresh();
      },
      (error: unknown) => setNotice(messageOf(error)),
    );
  };

  return (
    <main class="popup" lang={lang} data-testid="popup" data-language={lang}>
      <header class="popup__header">
        <h1>{t(lang, 'extName')}</h1>
        <p class="popup__language" data-testid="popup-language" data-language={lang}>
          {t(lang, 'popup_language', { language: t(lang, `options_language_${lang}`) })}
        </p>
      </header>

      {problems > 0 && (
        <p class="popup__problem" role="alert" data-testid="popup-problems">
          <span aria-hidden="true">⚠ </span>
          {t(lang, 'popup_problems')}
        </p>
      )}

      {uncoached.length > 0 && (
        <section class="popup__problem" role="alert" aria-labelledby="popup-uncoached-title" data-testid="popup-uncoached">
          <h2 id="popup-uncoached-title">{t(lang, 'popup_uncoached_title')}</h2>
          <ul>
            {uncoached.map((tab) => (
              <li key={tab.tabId} data-testid="popup-uncoached-tab" data-tab-id={String(tab.tabId)} data-audible={String(tab.audible)}>
                <span>{tab.title || tab.url}</span>{' '}
                {tab.audible ? (
                  <span class="hint">{t(lang, 'popup_uncoached_audible')}</span>
                ) : (
                  <button type="button" data-testid="popup-uncoached-reload" onClick={() => reload(tab.tabId)}>
                    {t(lang, 'popup_uncoached_reload')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      <ShiftPanel
        actions={actions}
        language={lang}
        refreshMs={refreshMs}
        reminderMs={view.effective.rules['take-message'].reminderMinutes * 60_000}
        leadMs={view.effective.rules['return-call'].reminderLeadMinutes * 60_000}
      />

      <section aria-labelledby="popup-sites-title">
        <h2 id="popup-sites-title">{t(lang, 'popup_sites_title')}</h2>
        {view.sites.length === 0 ? (
          <p class="hint" data-testid="popup-no-sites">
            {t(lang, 'popup_no_sites')}
          </p>
        ) : (
          <ul class="popup__sites">
            {view.sites.map((status) => (
              <li key={status.site.pattern} data-testid="popup-site" data-pattern={status.site.pattern} data-granted={String(status.granted)}>
                <code class="popup__pattern">{status.site.pattern}</code>
                <span class="popup__status">
                  <span aria-hidden="true">{status.granted ? '✓ ' : '✗ '}</span>
                  {t(lang, status.granted ? (status.registered ? 'popup_site_active' : 'popup_site_next_load') : 'popup_site_no_access')}
                  {status.fromPolicy && (
                    <span class="popup__policy">
                      {' · '}
                      <LockIcon /> {t(lang, 'popup_site_policy')}
                    </span>
                  )}
                </span>
                {!status.granted && (
                  <button type="button" data-testid="popup-allow" data-pattern={status.site.pattern} onClick={() => allow(status.site)}>
                    {t(lang, 'popup_allow', { site: status.site.pattern })}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {notice && (
          <p role="status" data-testid="popup-notice">
            {notice}
          </p>
        )}
      </section>

      <footer class="popup__footer">
        <button type="button" data-testid="popup-open-figures" onClick={() => void actions.openFiguresPage()}>
          {t(lang, 'popup_open_figures')}
        </button>
        <button type="button" data-testid="popup-open-practice" onClick={() => void actions.openPracticePage()}>
          {t(lang, 'popup_open_practice')}
        </button>
        <button type="button" data-testid="popup-open-options" onClick={() => void actions.openOptionsPage()}>
          {t(lang, 'popup_open_options')}
        </button>
      </footer>
    </main>
  );
}
