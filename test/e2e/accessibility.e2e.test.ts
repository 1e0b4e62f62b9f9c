/**
 * Accessibility in a real browser: axe-core (through @axe-core/playwright, pinned with the
 * repository's playwright-core) on every page of the extension and on the coaching overlay
 * inside its shadow root, in English and Latvian, with the light and the dark colour scheme
 * emulated (so color-contrast is checked in both); a keyboard-only walkthrough of the call card
 * and of the options page; nudges announced once by a live region without taking the focus.
 *
 * The overlay is read on the practice softphone: it runs the content-script code itself, so its
 * shadow root holds the same ring counter, nudges and call card as a softphone page's.
 * The rules each page was checked against are written to test-results/accessibility.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchPhoneBrowser } from './sip-lab/browsers';
import { assertBuilt, extensionScope, extensionWorker, nudgeFor, setConfig } from './extension';

/** WCAG 2.2 A and AA, which include color-contrast, labels, names, ARIA validity and landmarks' names. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const LANGUAGES = ['en', 'lv'] as const;
const SCHEMES = ['light', 'dark'] as const;
type Language = (typeof LANGUAGES)[number];
type Scheme = (typeof SCHEMES)[number];

const PAGES = {
  popup: { path: 'src/ui/popup/index.html', ready: 'popup' },
  options: { path: 'src/ui/options/index.html', ready: 'options' },
  figures: { path: 'src/ui/figures/index.html', ready: 'figures' },
} as const;
const PRACTICE = 'src/ui/practice/index.html';

let browser: BrowserContext;
let sw: Worker;
const opened: Page[] = [];
/** Page → the axe rules it was checked against (passed, failed or not applicable), for the record. */
const rulesChecked: Record<string, string[]> = {};

interface WorkerStorage {
  chrome: { storage: { local: { set(items: Record<string, unknown>): Promise<void> } } };
}

async function setAgent(language: Language): Promise<void> {
  await sw.evaluate(async (value) => {
    await (globalThis as unknown as WorkerStorage).chrome.storage.local.set({ agent: value });
  }, { name: 'Anna', language });
}

beforeAll(async () => {
  browser = await launchPhoneBrowser({ extensionDir: assertBuilt() });
  sw = await extensionWorker(browser);
  await setConfig(sw, { version: 1, organization: 'Acme' });
});

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync(path.join('test-results', 'accessibility.json'), `${JSON.stringify(rulesChecked, null, 2)}\n`);
});

async function open(url: string, scheme: Scheme): Promise<Page> {
  const page = await browser.newPage();
  opened.push(page);
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(url);
  return page;
}

/** Runs axe on the whole page (open shadow roots included) and returns what it found. */
async function axe(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const rules = [...results.passes, ...results.violations, ...results.incomplete].map((r) => r.id).sort();
  rulesChecked[label] = [...new Set([...(rulesChecked[label] ?? []), ...rules])].sort();
  const violations = results.violations.map((v) => ({
    rule: v.id,
    nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
  }));
  return { results, violations };
}

/** Whether a node axe checked sits in our overlay's shadow root (its target path starts at the host). */
const inOverlay = (target: unknown): boolean => Array.isArray(target) && Array.isArray(target[0]) && target[0][0] === 'second-ring-coach';

const overlayContrast = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const el = document.querySelector('second-ring-coach')?.shadowRoot?.querySelector(sel);
    if (!el) throw new Error(`no ${sel} in the overlay`);
    const style = getComputedStyle(el);
    return { color: style.color, background: style.backgroundColor };
  }, selector);

/** Relative luminance of an `rgb(…)` colour (WCAG). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** A practice call answered and then held without asking: the card, a checklist and a question nudge. */
async function practiceCallWithOverlay(page: Page): Promise<void> {
  await page.locator('[data-testid="practice"][data-ready="true"]').waitFor({ timeout: 15_000 });
  await page.getByTestId('start').click();
  await page.locator('[data-testid="phone"][data-phase="ringing"]').waitFor({ timeout: 10_000 });
  await page.locator('second-ring-coach .ring').waitFor({ timeout: 15_000 }); // from the ring the answer is due
  await page.getByTestId('answer').click();
  await nudgeFor(page, 'greeting').waitFor({ timeout: 5_000 });
  await page.locator('second-ring-coach .card[data-state="connected"]').waitFor({ timeout: 5_000 });
  await page.getByTestId('hold').click();
  await nudgeFor(page, 'hold-permission').waitFor({ timeout: 5_000 });
}

for (const language of LANGUAGES) {
  describe(`axe, ${language === 'en' ? 'English' : 'Latvian'}`, () => {
    beforeAll(async () => {
      await setAgent(language);
    });

    for (const [name, { path: pagePath, ready }] of Object.entries(PAGES)) {
      it(`the ${name} page has no violations in the light and the dark scheme`, async () => {
        for (const scheme of SCHEMES) {
          const page = await open(`${extensionScope(sw)}${pagePath}`, scheme);
          await page.locator(`[data-testid="${ready}"][data-language="${language}"]`).waitFor({ timeout: 10_000 });
          const { results, violations } = await axe(page, name);
          expect(violations, `${name} ${language} ${scheme}`).toEqual([]);
          expect(results.passes.map((r) => r.id)).toContain('color-contrast');
        }
      });
    }

    it('the practice page and the overlay in its shadow root (ring counter, card, nudges) have no violations in either scheme', async () => {
      for (const scheme of SCHEMES) {
        const page = await open(`${extensionScope(sw)}${PRACTICE}?scenario=hold`, scheme);
        await page.locator(`[data-testid="practice"][data-language="${language}"]`).waitFor({ timeout: 15_000 });
        await practiceCallWithOverlay(page);
        const { results, violations } = await axe(page, 'practice + overlay');
        expect(violations, `practice ${language} ${scheme}`).toEqual([]);
        // The overlay was really read: its text was checked for contrast inside the shadow root.
        const contrast = results.passes.find((r) => r.id === 'color-contrast');
        const overlayNodes = (contrast?.nodes ?? []).filter((n) => inOverlay(n.target));
        expect(overlayNodes.length, 'overlay nodes checked for contrast').toBeGreaterThan(5);
        expect(overlayNodes.some((n) => JSON.stringify(n.target).includes('.nudge'))).toBe(true);
        expect(overlayNodes.some((n) => JSON.stringify(n.target).includes('.card'))).toBe(true);
      }
    });
  });
}

describe('the overlay follows prefers-color-scheme', () => {
  it('is light on a light page and dark on a dark one, text readable in both', async () => {
    await setAgent('en');
    const seen: Record<Scheme, { nudge: { color: string; background: string }; card: { color: string; background: string } }> = {} as never;
    for (const scheme of SCHEMES) {
      const page = await open(`${extensionScope(sw)}${PRACTICE}?scenario=hold`, scheme);
      await practiceCallWithOverlay(page);
      seen[scheme] = { nudge: await overlayContrast(page, '.nudge'), card: await overlayContrast(page, '.card') };
    }
    for (const part of ['nudge', 'card'] as const) {
      expect(luminance(seen.light[part].background), `${part} background, light`).toBeGreaterThan(0.8);
      expect(luminance(seen.dark[part].background), `${part} background, dark`).toBeLessThan(0.05);
      for (const scheme of SCHEMES) {
        const [a, b] = [luminance(seen[scheme][part].color), luminance(seen[scheme][part].background)];
        expect((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), `${part} contrast, ${scheme}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });
});

describe('keyboard and screen reader', () => {
  /** What has the focus: inside our shadow root, or the page's own element. */
  const focused = (page: Page) =>
    page.evaluate(() => {
      const active = document.activeElement;
      if (active?.tagName !== 'SECOND-RING-COACH') return { ours: false, tag: active?.tagName ?? '', testid: (active as HTMLElement | null)?.dataset.testid ?? '', data: {} as Record<string, string> };
      const inner = active.shadowRoot?.activeElement as HTMLElement | null;
      return { ours: true, tag: inner?.tagName ?? '', testid: '', data: { ...(inner?.dataset ?? {}) } as Record<string, string>, type: (inner as HTMLInputElement | null)?.type ?? '', checked: (inner as HTMLInputElement | null)?.checked ?? false };
    });

  it('nudges are announced once by a live region and never take the focus', async () => {
    await setAgent('en');
    const page = await open(`${extensionScope(sw)}${PRACTICE}?scenario=hold`, 'light');
    // Every text a live region of the overlay is given (what is added to it, or changed in it), from the first moment.
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { __announced: string[] }).__announced = log;
      const live = (node: Node | null) => {
        const el = node instanceof Element ? node : node?.parentElement;
        const region = el?.closest('[aria-live]');
        return region && region.getAttribute('aria-live') !== 'off' ? region : null;
      };
      const watch = (root: ShadowRoot) => {
        new MutationObserver((records) => {
          for (const record of records) {
            if (record.type === 'characterData' && live(record.target)) log.push(record.target.textContent ?? '');
            for (const added of record.addedNodes) if (live(added) && added.textContent) log.push(added.textContent);
          }
        }).observe(root, { subtree: true, childList: true, characterData: true });
      };
      const wait = setInterval(() => {
        const root = document.querySelector('second-ring-coach')?.shadowRoot;
        if (root) {
          clearInterval(wait);
          watch(root);
        }
      }, 5);
    });
    await page.locator('[data-testid="practice"][data-ready="true"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('start').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="phone"][data-phase="ringing"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('answer').focus();
    await page.keyboard.press('Enter');
    await nudgeFor(page, 'greeting').waitFor({ timeout: 5_000 });
    expect((await focused(page)).ours).toBe(false);
    await page.getByTestId('hold').focus();
    await page.keyboard.press('Enter');
    const question = nudgeFor(page, 'hold-permission');
    await question.waitFor({ timeout: 5_000 });
    await page.waitForTimeout(2_500); // several redraws of the card's timer
    expect((await focused(page)).ours).toBe(false);
    const text = (await question.locator('.nudge__text').textContent()) ?? '';
    const greeting = (await nudgeFor(page, 'greeting').locator('.nudge__text').textContent()) ?? '';
    const announced = await page.evaluate(() => (window as unknown as { __announced: string[] }).__announced);
    expect(announced.filter((a) => a.includes(text)), `announced: ${JSON.stringify(announced)}`).toHaveLength(1);
    expect(announced.filter((a) => a.includes(greeting))).toHaveLength(1);
    // One region read it, and the nudges are not live regions themselves (that would read them twice, buttons and all).
    const regions = await page.evaluate(() =>
      [...(document.querySelector('second-ring-coach')?.shadowRoot?.querySelectorAll('[aria-live]') ?? [])].map((el) => el.className),
    );
    expect(regions.filter((c) => c.includes('nudge'))).toEqual([]);
    expect(regions.filter((c) => c === 'announcer')).toHaveLength(2); // polite, and assertive for urgent nudges
  });

  it('the card from the keyboard alone: Alt+Shift+S, Tab, Space, Escape', async () => {
    await setAgent('en');
    const page = await open(`${extensionScope(sw)}${PRACTICE}?scenario=hold`, 'dark');
    await page.locator('[data-testid="practice"][data-ready="true"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('start').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="phone"][data-phase="ringing"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('answer').focus();
    await page.keyboard.press('Enter');
    const card = page.locator('second-ring-coach .card[data-state="connected"]');
    await card.waitFor({ timeout: 5_000 });
    await page.getByTestId('hold').focus();

    // The card is one line during a call; the shortcut opens it with the greeting to tick.
    await page.keyboard.press('Alt+Shift+KeyS');
    expect(await focused(page)).toMatchObject({ ours: true, tag: 'SECTION' });
    await card.locator('[data-list="greeting"]').waitFor({ timeout: 5_000 });
    // Tab to the first greeting checkbox; its focus ring is visible.
    for (let i = 0; i < 8 && (await focused(page)).type !== 'checkbox'; i++) await page.keyboard.press('Tab');
    const onBox = await focused(page);
    expect(onBox.type).toBe('checkbox');
    expect(onBox.checked).toBe(false);
    const outline = await page.evaluate(() => {
      const inner = document.querySelector('second-ring-coach')?.shadowRoot?.activeElement;
      return inner ? getComputedStyle(inner).outlineStyle : '';
    });
    expect(outline).not.toBe('none');
    await page.keyboard.press('Space');
    await expect.poll(async () => (await focused(page)).checked).toBe(true);
    await page.keyboard.press('Escape');
    expect(await focused(page)).toMatchObject({ ours: false, testid: 'hold' });
    // Alt+Shift+S twice: to the card and back to where the agent was.
    await page.keyboard.press('Alt+Shift+KeyS');
    expect((await focused(page)).ours).toBe(true);
    await page.keyboard.press('Alt+Shift+KeyS');
    expect(await focused(page)).toMatchObject({ ours: false, testid: 'hold' });
  });

  it('the options page from the keyboard alone: every control reached by Tab, with a visible focus, and a change made', async () => {
    await setAgent('en');
    const page = await open(`${extensionScope(sw)}${PAGES.options.path}`, 'light');
    await page.getByTestId('options').waitFor();
    const stops: { tag: string; type: string; name: string; outline: string; shadow: string }[] = [];
    for (let i = 0; i < 400; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return undefined;
        const style = getComputedStyle(el);
        const label = (el as HTMLInputElement).labels?.[0]?.textContent ?? '';
        return {
          tag: el.tagName,
          type: (el as HTMLInputElement).type ?? '',
          name: el.getAttribute('aria-label') ?? (label || el.textContent || '').trim().slice(0, 40),
          outline: style.outlineStyle,
          shadow: style.boxShadow,
        };
      });
      if (!stop) break; // past the last control
      if (stops.length > 0 && JSON.stringify(stop) === JSON.stringify(stops[0]) && i > 5) break;
      stops.push(stop);
    }
    expect(stops.length).toBeGreaterThan(20);
    const unnamed = stops.filter((s) => s.name === '');
    expect(unnamed, 'controls without a name').toEqual([]);
    const invisible = stops.filter((s) => s.outline === 'none' && s.shadow === 'none');
    expect(invisible, 'controls without a visible focus').toEqual([]);

    // A change by keyboard alone, from the top of the page: Tab to the organization's name, type, leave.
    await page.reload();
    await page.getByTestId('options').waitFor();
    const testid = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? '');
    for (let i = 0; i < 60 && (await testid()) !== 'field-organization'; i++) await page.keyboard.press('Tab');
    expect(await testid()).toBe('field-organization');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('Keyboard Ltd');
    await page.keyboard.press('Tab');
    await expect
      .poll(() => sw.evaluate(async () => ((await (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<{ config?: { organization?: string } }> } } } }).chrome.storage.local.get('config')).config?.organization ?? '')))
      .toBe('Keyboard Ltd');
  });
});
