// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { DEFAULT_CONFIG, RULE_SETTINGS, type ConfigurableRuleId } from '../../../src/core/coach/config';
import { DEFAULT_TEXTS } from '../../../src/core/coach/texts';
import { OptionsApp } from '../../../src/ui/options/app';
import { RULE_THRESHOLDS } from '../../../src/ui/options/rule-meta';
import { createMockActions, type MockActions } from './mock-actions';

afterEach(cleanup);

const NOW = Date.UTC(2025, 0, 6, 10, 0, 0);

async function renderOptions(actions: MockActions) {
  const utils = render(<OptionsApp actions={actions} debounceMs={0} now={() => NOW} />);
  await screen.findByTestId('options');
  return utils;
}

const field = (key: string) => screen.getByTestId(`field-${key}`) as HTMLInputElement;

function openTexts(rule: string) {
  const details = screen.getByTestId(`rule-${rule}-texts`) as HTMLDetailsElement;
  details.open = true;
  fireEvent(details, new Event('toggle'));
}

describe('the options page', () => {
  it('shows every rule of the catalogue with its switch, severity and thresholds', async () => {
    await renderOptions(createMockActions());
    const ids = Object.keys(RULE_SETTINGS) as ConfigurableRuleId[];
    for (const id of ids) {
      const card = screen.getByTestId(`rule-${id}`);
      expect(card.querySelector('legend')?.textContent, id).not.toContain('[rule_');
      expect(field(`rules.${id}.enabled`)).toBeTruthy();
      expect(field(`rules.${id}.severity`).value).toBe(DEFAULT_CONFIG.rules[id].severity);
      for (const meta of RULE_THRESHOLDS[id]) expect(field(`rules.${id}.${meta.key}`), `${id}.${meta.key}`).toBeTruthy();
    }
    expect(document.querySelectorAll('fieldset.rule')).toHaveLength(ids.length);
    expect(field('rules.hold-check-back.intervalSeconds').value).toBe('45');
    expect(field('rules.hold-overuse.maxHoldShare').value).toBe('40');
  });

  it('says which rules need an audio or transcript source that is not available yet', async () => {
    await renderOptions(createMockActions());
    expect(screen.getByTestId('rule-voice-pace-source').textContent).toMatch(/audio source/);
    expect(screen.getByTestId('rule-professional-language-source').textContent).toMatch(/transcript source/);
    expect(screen.queryByTestId('rule-hold-check-back-source')).toBeNull();
  });

  it('saves a threshold change as the local partial input with only that change applied', async () => {
    const actions = createMockActions({ local: { organization: 'Acme' }, policy: { region: 'uk' } });
    await renderOptions(actions);
    fireEvent.input(field('rules.hold-check-back.intervalSeconds'), { target: { value: '30' } });
    await waitFor(() => expect(actions.callsOf('saveTeamConfig')).toHaveLength(1));
    // The policy's region is not sent back as a local value.
    expect(actions.callsOf('saveTeamConfig')[0]).toEqual([{ organization: 'Acme', rules: { 'hold-check-back': { intervalSeconds: 30 } } }]);
    await waitFor(() => expect(screen.getByTestId('status-rules.hold-check-back.intervalSeconds').dataset.state).toBe('saved'));
    expect(field('rules.hold-check-back.intervalSeconds').value).toBe('30');
  });

  it('refuses a threshold out of range next to the field, without saving', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    fireEvent.input(field('rules.hold-check-back.intervalSeconds'), { target: { value: '5000' } });
    const status = await screen.findByTestId('status-rules.hold-check-back.intervalSeconds');
    expect(status.dataset.state).toBe('error');
    expect(status.textContent).toContain('1');
    expect(status.textContent).toContain('3600');
    expect(actions.callsOf('saveTeamConfig')).toHaveLength(0);
    expect(field('rules.hold-check-back.intervalSeconds').getAttribute('aria-invalid')).toBe('true');
  });

  it('shows the errors of a refused save next to the fields they are about', async () => {
    const actions = createMockActions();
    actions.saveResult = {
      ok: false,
      errors: [
        { path: 'rules.hold-check-back.intervalSeconds', message: 'Too short for this team' },
        { path: 'region', message: 'Region not allowed' },
      ],
    };
    await renderOptions(actions);
    fireEvent.input(field('rules.hold-check-back.intervalSeconds'), { target: { value: '2' } });
    await waitFor(() => expect(screen.getByTestId('status-region').textContent).toContain('Region not allowed'));
    const own = screen.getByTestId('status-rules.hold-check-back.intervalSeconds');
    expect(own.dataset.state).toBe('error');
    expect(own.textContent).toContain('Too short for this team');
    expect(own.textContent).toContain('region: Region not allowed');
    // The refused value stays in the field for the team lead to correct.
    expect(field('rules.hold-check-back.intervalSeconds').value).toBe('2');
    fireEvent.input(field('rules.hold-check-back.intervalSeconds'), { target: { value: '20' } });
    await waitFor(() => expect(screen.queryByTestId('status-region')).toBeNull());
    expect(screen.getByTestId('status-rules.hold-check-back.intervalSeconds').dataset.state).toBe('saved');
  });

  it('shows a share as a percentage and saves it as a fraction', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    fireEvent.input(field('rules.hold-overuse.maxHoldShare'), { target: { value: '25' } });
    await waitFor(() => expect(actions.callsOf('saveTeamConfig')).toEqual([[{ rules: { 'hold-overuse': { maxHoldShare: 0.25 } } }]]));
  });

  it('saves a switch and a severity at once, each on top of the other', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    fireEvent.click(field('rules.closing.enabled'));
    fireEvent.change(field('rules.closing.severity'), { target: { value: 'urgent' } });
    await waitFor(() => expect(actions.callsOf('saveTeamConfig')).toHaveLength(2));
    expect(actions.state.local).toEqual({ rules: { closing: { enabled: false, severity: 'urgent' } } });
  });

  it('disables every control the policy sets and marks it as set by the organization', async () => {
    const actions = createMockActions({
      policy: { region: 'uk', rules: { 'hold-check-back': { intervalSeconds: 60 } }, texts: { lv: { 'closing.before': 'Pirms beigām:' } } },
    });
    await renderOptions(actions);
    for (const key of ['region', 'rules.hold-check-back.intervalSeconds', 'texts.lv.closing.before']) {
      expect(field(key).disabled, key).toBe(true);
      const marker = screen.getAllByTestId('locked').find((m) => m.dataset.path === key);
      expect(marker?.textContent, key).toContain("Set by your organization's policy");
    }
    expect(field('rules.hold-check-back.intervalSeconds').value).toBe('60');
    expect(field('rules.hold-check-back.enabled').disabled).toBe(false);
    expect(field('language').disabled).toBe(false);
    expect(screen.getAllByTestId('locked')).toHaveLength(3);
  });

  it('locks the whole site list when the policy sets it', async () => {
    const actions = createMockActions({ policy: { sites: [{ pattern: 'https://phone.example.com/*', adapter: 'sip-websocket' }] } });
    await renderOptions(actions);
    const site = screen.getByTestId('site');
    expect(within(site).getByTestId('site-policy')).toBeTruthy();
    expect(within(site).queryByTestId('site-remove')).toBeNull();
    expect((screen.getByTestId('site-add-form').querySelector('fieldset') as HTMLFieldSetElement).disabled).toBe(true);
    expect(screen.getAllByTestId('locked').some((m) => m.dataset.path === 'sites')).toBe(true);
  });

  it('reverts a nudge text to its default when it is cleared', async () => {
    const actions = createMockActions({ local: { texts: { en: { 'hold-check-back.nudge': 'Check back, {seconds} s!' } } } });
    await renderOptions(actions);
    openTexts('hold-check-back');
    const text = await screen.findByTestId('field-texts.en.hold-check-back.nudge') as HTMLTextAreaElement;
    expect(text.value).toBe('Check back, {seconds} s!');
    expect(text.placeholder).toBe(DEFAULT_TEXTS.en['hold-check-back.nudge']);
    fireEvent.input(text, { target: { value: '' } });
    await waitFor(() => expect(actions.callsOf('saveTeamConfig')).toEqual([[{}]]));
  });

  it('shows the answer window each ring region implies', async () => {
    const expected = { 'north-america': ['2 s', '12 s'], uk: ['1 s', '6 s'], europe: ['1 s', '10 s'] } as const;
    for (const [region, [from, to]] of Object.entries(expected)) {
      await renderOptions(createMockActions({ local: { region: region as keyof typeof expected } }));
      const text = screen.getByTestId('answer-window').textContent ?? '';
      expect(text, region).toContain(`Answer between ${from} and ${to}`);
      cleanup();
    }
  });

  it('saves the region and shows its window once saved', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    expect(screen.getByTestId('answer-window').textContent).toContain('between 1 s and 10 s');
    fireEvent.change(field('region'), { target: { value: 'north-america' } });
    await waitFor(() => expect(screen.getByTestId('answer-window').textContent).toContain('between 2 s and 12 s'));
    expect(actions.callsOf('saveTeamConfig')).toEqual([[{ region: 'north-america' }]]);
  });

  it('fills the greeting preview with the agent name and organization', async () => {
    await renderOptions(createMockActions({ local: { organization: 'Acme' }, agent: { name: 'Līga', language: null } }));
    expect(screen.getByTestId('greeting-preview-en').textContent).toBe('Hello, this is Līga with Acme. How can I help you today?');
    expect(screen.getByTestId('greeting-preview-lv').textContent).toBe('Labdien, runā Līga no Acme. Kā varu jums palīdzēt?');
  });

  it('asks for the agent name and the organization on first run, until both are set', async () => {
    await renderOptions(createMockActions());
    const prompt = () => screen.queryByTestId('agent-first-run');
    expect(prompt()?.dataset.missing).toBe('name organization');
    expect(prompt()?.textContent).toBe('Before your first call: fill in your name (here) and the organization (Team, below). Until then the greeting checklist leaves them out.');
    cleanup();
    await renderOptions(createMockActions({ agent: { name: 'Līga', language: null } }));
    expect(prompt()?.dataset.missing).toBe('organization');
    cleanup();
    await renderOptions(createMockActions({ local: { organization: 'Acme' }, agent: { name: 'Līga', language: null } }));
    expect(prompt()).toBeNull();
  });

  it('renders in Latvian when the language in force is Latvian', async () => {
    await renderOptions(createMockActions({ local: { language: 'lv' } }));
    expect(screen.getByTestId('options').dataset.language).toBe('lv');
    expect(screen.getByRole('heading', { name: 'Noteikumi' })).toBeTruthy();
    expect(screen.getByTestId('rule-hold-check-back').querySelector('legend')?.textContent).toContain('Atgriešanās aizturēšanas laikā');
    expect(screen.getByTestId('answer-window').textContent).toContain('Atbildiet laikā no 1 s līdz 10 s');
    expect(screen.getByLabelText('Atgriezties ik pēc')).toBe(field('rules.hold-check-back.intervalSeconds'));
  });

  it("switches the page to the agent's own language", async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    fireEvent.change(field('agent.language'), { target: { value: 'lv' } });
    await waitFor(() => expect(screen.getByTestId('options').dataset.language).toBe('lv'));
    expect(actions.callsOf('saveAgentSettings')).toEqual([[{ name: '', language: 'lv' }]]);
  });

  it('labels every form control', async () => {
    await renderOptions(createMockActions({ local: { sites: [{ pattern: 'https://p.example.com/*', adapter: 'selectors', selectors: { ringing: '.ring' } }] } }));
    const controls = [...document.querySelectorAll('input, select, textarea')] as HTMLInputElement[];
    expect(controls.length).toBeGreaterThan(50);
    for (const control of controls) {
      const label = control.id ? document.querySelector(`label[for="${control.id}"]`) : null;
      expect(label?.textContent?.trim(), control.outerHTML).toBeTruthy();
    }
    expect(new Set(controls.map((c) => c.id)).size).toBe(controls.length);
  });

  it('shows the stored configuration refused on load, and the policy values it cannot use, with their paths', async () => {
    const actions = createMockActions({
      local: { rules: { 'hold-check-back': { intervalSecond: 30 } } } as never,
      errors: {
        local: [{ path: 'rules.hold-check-back.intervalSecond', keys: ['rules', 'hold-check-back', 'intervalSecond'], message: 'Unknown key "intervalSecond"' }],
        policy: [{ path: 'businessHours.timeZone', keys: ['businessHours', 'timeZone'], message: 'Unknown time zone' }],
      },
    });
    await renderOptions(actions);
    expect(screen.getByTestId('errors-local').textContent).toContain('rules.hold-check-back.intervalSecond');
    const policy = screen.getByTestId('errors-policy');
    expect(policy.textContent).toContain("Your administrator's policy had values this version cannot use");
    expect(policy.textContent).toContain('businessHours.timeZone: Unknown time zone');
    fireEvent.click(screen.getByTestId('errors-local-remove'));
    await waitFor(() => expect(actions.callsOf('saveTeamConfig')).toEqual([[{}]]));
    await waitFor(() => expect(screen.queryByTestId('errors-local')).toBeNull());
  });

  it('previews a nudge with the component the softphone page uses', async () => {
    await renderOptions(createMockActions({ local: { rules: { 'hold-check-back': { intervalSeconds: 30 } } } }));
    fireEvent.click(screen.getByTestId('preview-hold-check-back'));
    const host = await screen.findByTestId('nudge-preview');
    await waitFor(() => expect(host.shadowRoot?.textContent).toContain('The caller has been on hold for 30 s — check back with them.'));
    expect(host.shadowRoot?.querySelector('[data-rule="hold-check-back"]')).toBeTruthy();
    fireEvent.click(screen.getByTestId('preview-hold-check-back'));
    await waitFor(() => expect(screen.queryByTestId('nudge-preview')).toBeNull());
  });

  it('previews the ring counter with the answer-window nudge', async () => {
    await renderOptions(createMockActions());
    fireEvent.click(screen.getByTestId('preview-answer-window'));
    const host = await screen.findByTestId('nudge-preview');
    await waitFor(() => expect(host.shadowRoot?.textContent).toContain('Ring 2 — answer now'));
  });

  it('edits business hours: days, times and holidays', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    const days = screen.getByTestId('field-businessHours.days');
    fireEvent.click(days.querySelector('[data-day="6"]') as HTMLInputElement);
    await waitFor(() => expect(actions.state.local.businessHours?.days).toEqual([1, 2, 3, 4, 5, 6]));
    fireEvent.change(field('businessHours.close'), { target: { value: '18:30' } });
    await waitFor(() => expect(actions.state.local.businessHours?.close).toBe('18:30'));
    fireEvent.input(screen.getByTestId('holiday-date'), { target: { value: '2025-12-24' } });
    fireEvent.click(screen.getByTestId('holiday-add'));
    await waitFor(() => expect(actions.state.local.businessHours?.holidays).toEqual(['2025-12-24']));
    expect(document.querySelectorAll('#time-zones option')).toHaveLength(0);
    fireEvent.focus(field('businessHours.timeZone'));
    await waitFor(() => expect(document.querySelector('#time-zones option[value="Europe/Riga"]')).toBeTruthy());
    fireEvent.input(field('businessHours.timeZone'), { target: { value: 'Mars/Olympus' } });
    const status = await screen.findByTestId('status-businessHours.timeZone');
    expect(status.textContent).toContain('Unknown time zone');
  });
});

describe('the sites section', () => {
  it('adds a cloud softphone’s origins in one click, asking for them in the same click (presets from the adapter registry)', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    const button = screen.getByTestId('site-preset-amazon-connect');
    expect(button.textContent).toBe('Add Amazon Connect');
    expect(screen.getByTestId('site-preset-aircall').textContent).toBe('Add Aircall');
    fireEvent.click(button);
    const origins = ['https://*.my.connect.aws/*', 'https://*.awsapps.com/*'];
    expect(actions.calls.filter((c) => c.name !== 'getSettings')[0]).toEqual({ name: 'requestSiteAccess', args: [origins] });
    await waitFor(() => expect(actions.callsOf('saveTeamConfig')).toEqual([[{ sites: origins.map((pattern) => ({ pattern, adapter: 'sip-websocket' })) }]]));
    await waitFor(() => expect(screen.getByTestId('site-preset-amazon-connect').textContent).toBe('Amazon Connect added'));
  });

  it('asks for host access first, then saves the site, then offers to reload its open tabs', async () => {
    const pattern = 'https://phone.example.com/*';
    const actions = createMockActions({ tabs: { [pattern]: [{ id: 7, title: 'Phone', url: 'https://phone.example.com/app' }] } });
    await renderOptions(actions);
    fireEvent.input(screen.getByTestId('site-add-pattern'), { target: { value: pattern } });
    fireEvent.submit(screen.getByTestId('site-add-form'));
    expect(actions.calls.filter((c) => c.name !== 'getSettings')[0]).toEqual({ name: 'requestSiteAccess', args: [pattern] });
    await screen.findByTestId('site-added');
    const order = actions.calls.map((c) => c.name).filter((n) => n !== 'getSettings');
    expect(order).toEqual(['requestSiteAccess', 'saveTeamConfig', 'siteTabs']);
    expect(actions.callsOf('saveTeamConfig')).toEqual([[{ sites: [{ pattern, adapter: 'sip-websocket' }] }]]);
    fireEvent.click(screen.getByTestId('site-reload-tabs'));
    await screen.findByTestId('site-reloaded');
    expect(actions.callsOf('reloadTabs')).toEqual([[[7]]]);
    const row = await screen.findByTestId('site');
    expect(within(row).getByTestId('site-granted').dataset.ok).toBe('true');
  });

  it('does not add a site the browser refused', async () => {
    const actions = createMockActions();
    actions.grantNext = false;
    await renderOptions(actions);
    fireEvent.input(screen.getByTestId('site-add-pattern'), { target: { value: 'https://phone.example.com/*' } });
    fireEvent.submit(screen.getByTestId('site-add-form'));
    expect((await screen.findByTestId('site-add-problem')).textContent).toContain('was not added');
    expect(actions.callsOf('saveTeamConfig')).toHaveLength(0);
  });

  it('checks the pattern before asking the browser', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    fireEvent.input(screen.getByTestId('site-add-pattern'), { target: { value: '<all_urls>' } });
    expect(screen.getByTestId('site-add-pattern-invalid')).toBeTruthy();
    fireEvent.submit(screen.getByTestId('site-add-form'));
    expect(screen.getByTestId('site-add-problem')).toBeTruthy();
    expect(actions.callsOf('requestSiteAccess')).toHaveLength(0);
  });

  it('adds a selector site with its selectors and tests them on an open tab', async () => {
    const pattern = 'https://inhouse.example.com/*';
    const actions = createMockActions({ tabs: { [pattern]: [{ id: 3, title: 'In-house phone', url: 'https://inhouse.example.com/' }] } });
    actions.selectorResult = { ringing: { matches: 1 }, hangup: { error: 'not a valid selector' } };
    await renderOptions(actions);
    fireEvent.input(screen.getByTestId('site-add-pattern'), { target: { value: pattern } });
    fireEvent.click(screen.getByTestId('site-add-adapter-selectors'));
    fireEvent.input(screen.getByTestId('site-add-selector-ringing'), { target: { value: '.incoming' } });
    fireEvent.input(screen.getByTestId('site-add-selector-hangup'), { target: { value: 'button[[' } });
    fireEvent.submit(screen.getByTestId('site-add-form'));
    await screen.findByTestId('site-added');
    expect(actions.callsOf('saveTeamConfig')).toEqual([
      [{ sites: [{ pattern, adapter: 'selectors', selectors: { ringing: '.incoming', hangup: 'button[[' } }] }],
    ]);
    fireEvent.click(await screen.findByTestId('selector-find-tabs'));
    fireEvent.click(await screen.findByTestId('selector-run'));
    const results = await screen.findByTestId('selector-results');
    expect(actions.callsOf('testSelectors')).toEqual([[3, { ringing: '.incoming', hangup: 'button[[' }]]);
    expect(results.querySelector('[data-selector="ringing"]')?.textContent).toContain('matching elements: 1');
    expect(results.querySelector('[data-selector="hangup"]')?.textContent).toContain('error: not a valid selector');
    expect(results.querySelector('[data-selector="hold"]')?.textContent).toContain('not set');
  });

  it('offers "Allow" for a policy site without host access', async () => {
    const pattern = 'https://policy.example.com/*';
    const actions = createMockActions({ policy: { sites: [{ pattern, adapter: 'sip-websocket' }] } });
    await renderOptions(actions);
    fireEvent.click(screen.getByTestId('site-allow'));
    expect(actions.callsOf('requestSiteAccess')).toEqual([[pattern]]);
    await waitFor(() => expect(screen.queryByTestId('site-allow')).toBeNull());
  });

  it('removes a local site', async () => {
    const actions = createMockActions({ local: { sites: [{ pattern: 'https://a.example.com/*', adapter: 'sip-websocket' }] } });
    await renderOptions(actions);
    fireEvent.click(screen.getByTestId('site-remove'));
    await waitFor(() => expect(actions.callsOf('saveTeamConfig')).toEqual([[{}]]));
    await screen.findByTestId('sites-empty');
  });
});

describe('import and export', () => {
  it('shows every error of a refused rule pack with its path, and says nothing changed', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    const pack = JSON.stringify({ region: 'mars', rules: { 'hold-check-back': { intervalSeconds: 0 } } });
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([pack], 'pack.json', { type: 'application/json' })] } });
    const errors = await screen.findByTestId('import-errors');
    expect(actions.callsOf('previewRulePack')).toEqual([[pack]]);
    expect(actions.callsOf('importRulePack')).toEqual([]);
    const paths = [...errors.querySelectorAll('li')].map((li) => li.dataset.path);
    expect(paths).toEqual(expect.arrayContaining(['region', 'rules.hold-check-back.intervalSeconds']));
    expect(errors.textContent).toContain('rules.hold-check-back.intervalSeconds');
    expect(screen.getByTestId('import-result').textContent).toContain('The configuration in force is unchanged.');
    expect(actions.state.local).toEqual({});
  });

  it('refuses an empty pack and a pack of rules as a list, with the reason', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    for (const pack of ['{}', '{"rules":[]}']) {
      fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([pack], 'pack.json')] } });
      await waitFor(() => expect(screen.getByTestId('import-result').dataset.state).toBe('refused'));
      expect(screen.getByTestId('import-errors').textContent).toMatch(/sets nothing|not a list/);
    }
    expect(actions.callsOf('importRulePack')).toEqual([]);
  });

  it('asks to merge or replace before anything changes, listing the sites that would lose access', async () => {
    const a = { pattern: 'https://a.example.com/*', adapter: 'sip-websocket' as const };
    const b = { pattern: 'https://b.example.com/*', adapter: 'sip-websocket' as const };
    const actions = createMockActions({ local: { organization: 'Acme', region: 'uk', sites: [a, b] } });
    await renderOptions(actions);
    const pack = JSON.stringify({ organization: 'Beta', colour: 'red', texts: { en: { 'hold-check-back.nudge': 5 } } });
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([pack], 'pack.json')] } });
    await screen.findByTestId('import-choose');
    // Nothing saved yet: only asked.
    expect(actions.callsOf('importRulePack')).toEqual([]);
    expect(actions.state.local.organization).toBe('Acme');
    const dropped = [...screen.getByTestId('import-dropped').querySelectorAll('li')].map((li) => JSON.parse(li.dataset.keys ?? 'null'));
    expect(dropped).toEqual(expect.arrayContaining([['colour'], ['texts', 'en', 'hold-check-back.nudge']]));
    expect(screen.getByTestId('import-lose-merge').dataset.count).toBe('0');
    const losing = [...screen.getByTestId('import-lose-replace').querySelectorAll('li')].map((li) => li.dataset.pattern);
    expect(losing).toEqual([a.pattern, b.pattern]);

    fireEvent.click(screen.getByTestId('import-merge'));
    await waitFor(() => expect(screen.getByTestId('import-result').dataset.state).toBe('imported'));
    expect(actions.callsOf('importRulePack')).toEqual([[pack, 'merge']]);
    expect(actions.state.local).toEqual({ organization: 'Beta', region: 'uk', sites: [a, b], texts: { en: {} } });
  });

  it('replaces with a pack when the team lead chooses it, and cancels without a change', async () => {
    const a = { pattern: 'https://a.example.com/*', adapter: 'sip-websocket' as const };
    const actions = createMockActions({ local: { organization: 'Acme', sites: [a] } });
    await renderOptions(actions);
    const pack = JSON.stringify({ rules: { 'hold-check-back': { intervalSeconds: 20 } } });
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([pack], 'pack.json')] } });
    fireEvent.click(await screen.findByTestId('import-cancel'));
    await waitFor(() => expect(screen.getByTestId('import-result').dataset.state).toBe('cancelled'));
    expect(actions.callsOf('importRulePack')).toEqual([]);
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([pack], 'pack.json')] } });
    fireEvent.click(await screen.findByTestId('import-replace'));
    await waitFor(() => expect(screen.getByTestId('import-result').dataset.state).toBe('imported'));
    expect(actions.state.local).toEqual({ rules: { 'hold-check-back': { intervalSeconds: 20 } } });
  });

  it('imports a valid rule pack and shows it in force', async () => {
    const actions = createMockActions();
    await renderOptions(actions);
    const pack = JSON.stringify({ rules: { 'hold-check-back': { intervalSeconds: 20 } } });
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [new File([pack], 'pack.json')] } });
    fireEvent.click(await screen.findByTestId('import-merge'));
    await waitFor(() => expect(screen.getByTestId('import-result').dataset.state).toBe('imported'));
    await waitFor(() => expect(field('rules.hold-check-back.intervalSeconds').value).toBe('20'));
  });

  it('says the last valid configuration stays in force when the stored one was refused', async () => {
    const actions = createMockActions({
      inForce: 'defaults',
      errors: { local: [{ path: 'region', keys: ['region'], message: 'Invalid' }], policy: [] },
    });
    await renderOptions(actions);
    expect(screen.getByTestId('in-force').dataset.inForce).toBe('defaults');
    expect(screen.getByTestId('errors-local').textContent).toContain('the defaults are in force');
  });

  it('exports the effective configuration as a JSON file', async () => {
    const actions = createMockActions({ local: { region: 'uk' } });
    await renderOptions(actions);
    fireEvent.click(screen.getByTestId('export'));
    await screen.findByTestId('export-result');
    const [[name, text, type]] = actions.callsOf('saveFile') as [[string, string, string]];
    expect(name).toBe('second-ring-policy.json');
    expect(type).toBe('application/json');
    expect(JSON.parse(text).region).toBe('uk');
  });
});
