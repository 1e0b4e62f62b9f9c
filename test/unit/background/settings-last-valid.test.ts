/**
 * The last valid configuration, persisted (issue 11, finding 5): every valid save keeps a copy;
 * a stored configuration that fails validation leaves the copy in force in a new worker (and
 * its sites, so registrations are not dropped), and says why; with no valid copy the defaults
 * run and the registrations are held.
 */
import { fakeBrowser } from '@webext-core/fake-browser';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// vitest.config.ts aliases the polyfill to the fake browser, which has no default export; the
// platform module imports the default.
vi.mock('webextension-polyfill', async () => {
  const actual = await vi.importActual<{ fakeBrowser: unknown }>('@webext-core/fake-browser');
  return { ...actual, default: actual.fakeBrowser };
});
import { CONFIG_KEY, LAST_VALID_KEY, forgetSettings, loadSettings, saveLocalConfig } from '../../../src/background/settings';

const SITE = { pattern: 'https://phone.example.com/*', adapter: 'sip-websocket' as const };

/** What a new worker reads: nothing in memory. */
async function newWorker() {
  forgetSettings();
  return loadSettings();
}

beforeEach(() => {
  vi.spyOn(fakeBrowser.i18n, 'getUILanguage').mockReturnValue('en-US');
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('the last valid configuration', () => {
  it('is written with every valid save, and refused saves change neither', async () => {
    expect(await saveLocalConfig({ region: 'uk', sites: [SITE] })).toEqual({ ok: true });
    expect((await fakeBrowser.storage.local.get(LAST_VALID_KEY))[LAST_VALID_KEY]).toEqual({ region: 'uk', sites: [SITE] });
    const refused = await saveLocalConfig({ region: 'mars' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.errors[0]).toMatchObject({ keys: ['region'] });
    expect((await fakeBrowser.storage.local.get([CONFIG_KEY, LAST_VALID_KEY]))).toEqual({
      [CONFIG_KEY]: { region: 'uk', sites: [SITE] },
      [LAST_VALID_KEY]: { region: 'uk', sites: [SITE] },
    });
  });

  it('stays in force, with its sites, when the stored one fails validation, and says why', async () => {
    await saveLocalConfig({ region: 'uk', sites: [SITE] });
    await fakeBrowser.storage.local.set({ [CONFIG_KEY]: { region: 'uk', sites: [SITE], rules: { 'hold-check-back': { intervalSecond: 3 } } } });
    const settings = await newWorker();
    expect(settings.inForce).toBe('last-valid');
    expect(settings.effective.region).toBe('uk');
    expect(settings.effective.sites).toEqual([SITE]);
    expect(settings.holdRegistrations).toBe(false);
    expect(settings.errors.local).toEqual([{ path: 'rules.hold-check-back.intervalSecond', keys: ['rules', 'hold-check-back', 'intervalSecond'], message: 'Unknown key "intervalSecond"' }]);
    // The options page gets the refused one as it is, to show and remove its bad values.
    expect(settings.local).toMatchObject({ rules: { 'hold-check-back': { intervalSecond: 3 } } });
  });

  it('is kept from the first load of a configuration saved before copies existed', async () => {
    await fakeBrowser.storage.local.set({ [CONFIG_KEY]: { organization: 'Acme' } });
    expect((await newWorker()).inForce).toBe('saved');
    expect((await fakeBrowser.storage.local.get(LAST_VALID_KEY))[LAST_VALID_KEY]).toEqual({ organization: 'Acme' });
  });

  it('stands in for a stored configuration that went missing', async () => {
    await saveLocalConfig({ organization: 'Acme' });
    await fakeBrowser.storage.local.remove(CONFIG_KEY);
    const settings = await newWorker();
    expect(settings.inForce).toBe('last-valid');
    expect(settings.effective.organization).toBe('Acme');
    expect(settings.errors.local.map((e) => e.message)).toEqual(['The stored configuration is missing']);
  });

  it('when none valid is known: the defaults run and the site registrations are held', async () => {
    await fakeBrowser.storage.local.set({ [CONFIG_KEY]: { sites: 'all' } });
    const settings = await newWorker();
    expect(settings.inForce).toBe('defaults');
    expect(settings.effective.sites).toEqual([]);
    expect(settings.holdRegistrations).toBe(true);
    expect(settings.errors.local[0]).toMatchObject({ keys: ['sites'] });
  });

  it('nothing saved at all: the defaults, nothing to report, registrations follow the (empty) sites', async () => {
    const settings = await newWorker();
    expect(settings).toMatchObject({ inForce: 'saved', holdRegistrations: false, errors: { local: [], policy: [] } });
  });
});
