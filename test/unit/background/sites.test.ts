import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { injectContentCoaching, injectContentUi, syncRegistrations } from '../../../src/background/sites';
import { createCoverage, ATTACH_GRACE_MS } from '../../../src/background/coverage';
import type { SoftphoneSite } from '../../../src/core/coach/config';

vi.mock('../../../src/platform/browser', async () => ({ browser: (await import('@webext-core/fake-browser')).fakeBrowser }));
// crxjs turns these imports into the built files' names; here they are just the names.
vi.mock('../../../src/page/page-hook.ts?script&iife', () => ({ default: 'src/page/page-hook.js' }));
vi.mock('../../../src/content/content-script.ts?script&iife', () => ({ default: 'src/content/content-script.js' }));
vi.mock('../../../src/content/content-ui.ts?script&iife', () => ({ default: 'src/content/content-ui.js' }));
vi.mock('../../../src/content/content-coaching.ts?script&iife', () => ({ default: 'src/content/content-coaching.js' }));

interface Registration {
  id: string;
  matches?: string[];
  js?: string[];
  world?: string;
}

/**
 * An in-memory `scripting` registry that logs every change, so a test can see whether a site
 * ever went without its scripts (an unregister of a script that stays is a gap).
 */
function fakeScripting() {
  let registered: Registration[] = [];
  const log: string[] = [];
  const scripting = {
    getRegisteredContentScripts: async (filter?: { ids?: string[] }) =>
      structuredClone(registered.filter((r) => !filter?.ids || filter.ids.includes(r.id))),
    registerContentScripts: async (scripts: Registration[]) => {
      for (const s of scripts) if (registered.some((r) => r.id === s.id)) throw new Error(`Duplicate script ID '${s.id}'`);
      registered.push(...structuredClone(scripts));
      log.push(`register ${scripts.map((s) => `${s.id}=${s.matches?.join(',')}`).join(' ')}`);
    },
    updateContentScripts: async (scripts: Registration[]) => {
      for (const s of scripts) {
        const r = registered.find((x) => x.id === s.id);
        if (!r) throw new Error(`no script ${s.id}`);
        Object.assign(r, structuredClone(s));
      }
      log.push(`update ${scripts.map((s) => `${s.id}=${s.matches?.join(',')}`).join(' ')}`);
    },
    unregisterContentScripts: async (filter?: { ids?: string[] }) => {
      registered = registered.filter((r) => filter?.ids && !filter.ids.includes(r.id));
      log.push(`unregister ${filter?.ids?.join(',') ?? 'all'}`);
    },
  };
  return { scripting, log, registered: () => registered };
}

const site = (pattern: string): SoftphoneSite => ({ pattern, adapter: 'sip-websocket' }) as SoftphoneSite;
const A = 'https://a.example.com/*';
const B = 'https://b.example.com/*';

let fake: ReturnType<typeof fakeScripting>;
beforeEach(() => {
  fake = fakeScripting();
  Object.assign(fakeBrowser, { scripting: fake.scripting });
  Object.assign(fakeBrowser.permissions, { contains: async () => true });
});

describe('site registrations', () => {
  it('registers both scripts for new sites and reports them as activated', async () => {
    expect(await syncRegistrations([site(A)])).toEqual([A]);
    expect(fake.registered().map((r) => [r.id, r.matches, r.js])).toEqual([
      ['second-ring-page-hook', [A], ['src/page/page-hook.js']],
      ['second-ring-content', [A], ['src/content/content-script.js']],
    ]);
    expect(fake.registered()[0]?.world).toBe('MAIN');
  });

  it('renews by difference: a site added or removed never takes the others\' scripts away', async () => {
    await syncRegistrations([site(A)]);
    expect(await syncRegistrations([site(A), site(B)])).toEqual([B]);
    expect(await syncRegistrations([site(B)])).toEqual([]);
    expect(fake.log).toEqual([
      'register second-ring-page-hook=' + A + ' second-ring-content=' + A,
      `update second-ring-page-hook=${A},${B} second-ring-content=${A},${B}`,
      `update second-ring-page-hook=${B} second-ring-content=${B}`,
    ]);
  });

  it('changes nothing when the sites are the same (a worker start)', async () => {
    await syncRegistrations([site(A)]);
    expect(await syncRegistrations([site(A)])).toEqual([]);
    expect(fake.log).toHaveLength(1);
  });

  it('keeps the sites already registered while the policy has not answered, and lets them go once it has', async () => {
    await syncRegistrations([site(A), site(B)]); // B came from the policy at the last start
    // Browser start: settings went on without the policy.
    expect(await syncRegistrations([site(A)], { policyPending: true })).toEqual([]);
    expect(fake.registered().find((r) => r.id === 'second-ring-content')?.matches).toEqual([A, B]);
    expect(fake.log.some((l) => l.startsWith('unregister'))).toBe(false);
    // The policy answered without B: now it goes.
    await syncRegistrations([site(A)], { policyPending: false });
    expect(fake.registered().find((r) => r.id === 'second-ring-content')?.matches).toEqual([A]);
  });

  it('finds registrations gone (install, update) and activates every site again', async () => {
    await syncRegistrations([site(A), site(B)]);
    await fake.scripting.unregisterContentScripts({ ids: ['second-ring-page-hook', 'second-ring-content'] });
    const activated: string[][] = [];
    expect(await syncRegistrations([site(A), site(B)], { activated: (p) => activated.push(p) })).toEqual([A, B]);
    expect(activated).toEqual([[A, B]]);
  });

  it('renews registrations of another build whole (file names change between builds)', async () => {
    await fake.scripting.registerContentScripts([
      { id: 'second-ring-page-hook', matches: [A], js: ['assets/old-hook.js'] },
      { id: 'second-ring-content', matches: [A], js: ['assets/old-content.js'] },
    ]);
    expect(await syncRegistrations([site(A)])).toEqual([A]);
    expect(fake.registered().map((r) => r.js?.[0])).toEqual(['src/page/page-hook.js', 'src/content/content-script.js']);
  });

  it('registers nothing for a site without host access', async () => {
    Object.assign(fakeBrowser.permissions, { contains: async ({ origins }: { origins: string[] }) => origins[0] === A });
    expect(await syncRegistrations([site(A), site(B)])).toEqual([A]);
  });
});

describe('the coaching UI on demand', () => {
  it('injects the UI bundle into the one frame that asked, in the isolated world, and says whether it ran', async () => {
    const calls: unknown[] = [];
    Object.assign(fakeBrowser, {
      scripting: {
        executeScript: async (injection: { target: { tabId: number } }) => {
          calls.push(injection);
          if (injection.target.tabId === 9) throw new Error('No tab with id: 9');
          return [{ frameId: 3, result: undefined }];
        },
      },
    });
    expect(await injectContentUi(4, 3)).toBe(true);
    expect(calls).toEqual([{ target: { tabId: 4, frameIds: [3] }, files: ['src/content/content-ui.js'], injectImmediately: true }]);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await injectContentUi(9, 0)).toBe(false);
  });

  it('injects the content script\'s coaching part the same way, into the one frame that asked', async () => {
    const calls: unknown[] = [];
    Object.assign(fakeBrowser, {
      scripting: {
        executeScript: async (injection: { target: { tabId: number } }) => {
          calls.push(injection);
          if (injection.target.tabId === 9) throw new Error('No tab with id: 9');
          return [{ frameId: 2, result: undefined }];
        },
      },
    });
    expect(await injectContentCoaching(5, 2)).toBe(true);
    expect(calls).toEqual([{ target: { tabId: 5, frameIds: [2] }, files: ['src/content/content-coaching.js'], injectImmediately: true }]);
    // A call starting: the UI in the same injection, after the coaching part.
    expect(await injectContentCoaching(5, 2, true)).toBe(true);
    expect(calls.at(-1)).toEqual({
      target: { tabId: 5, frameIds: [2] },
      files: ['src/content/content-coaching.js', 'src/content/content-ui.js'],
      injectImmediately: true,
    });
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await injectContentCoaching(9, 0)).toBe(false);
  });
});

describe('coverage of injected frames', () => {
  function memorySession() {
    const store = new Map<string, unknown>();
    return { get: async (k: string) => structuredClone(store.get(k)), set: async (k: string, v: unknown) => void store.set(k, structuredClone(v)) };
  }

  it('counts a frame as not coached only when its hook has not greeted within the grace period', async () => {
    const coverage = createCoverage({ session: memorySession() });
    await coverage.activated(1_000);
    await coverage.injected(
      [
        { tabId: 1, frameId: 0, url: 'https://a.example.com/phone', doneAt: 1_010 },
        { tabId: 2, frameId: 0, url: 'https://a.example.com/other', doneAt: 1_012 },
      ],
      1_000,
    );
    await coverage.attached(1, 0, 'https://a.example.com/phone', { v: 2, late: true, at: 1_030 });
    expect(await coverage.uncoached(1_012 + ATTACH_GRACE_MS - 1)).toEqual([]);
    expect((await coverage.uncoached(1_012 + ATTACH_GRACE_MS)).map((c) => c.tabId)).toEqual([2]);
    const [first] = await coverage.all();
    expect(first).toMatchObject({ tabId: 1, activatedAt: 1_000, injectedAt: 1_010, attachedAt: 1_030, late: true, hookVersion: 2 });
    await coverage.forgetTab(2);
    expect(await coverage.uncoached(100_000)).toEqual([]);
  });

  it('times a frame that loaded with the scripts registered from the last activation', async () => {
    const coverage = createCoverage({ session: memorySession() });
    await coverage.activated(5_000);
    await coverage.attached(3, 0, 'https://a.example.com/phone', { v: 2, late: false, at: 5_400 });
    expect(await coverage.all()).toEqual([
      { tabId: 3, frameId: 0, url: 'https://a.example.com/phone', activatedAt: 5_000, attachedAt: 5_400, late: false, hookVersion: 2 },
    ]);
  });
});
