/**
 * Browsers and softphone pages for SIP-lab end-to-end tests (Debian Chromium + playwright-core).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { CallInfo, PhoneEvent, PhoneKind } from '../../sip-lab/phones/phone-common';
import { PHONE_PAGES } from './build-phones';

export type { CallInfo, PhoneEvent, PhoneKind } from '../../sip-lab/phones/phone-common';
export {
  captureWebSocketFrames,
  parseSipFrames,
  parseSipMessage,
  sipStartLines,
  isSubsequence,
  assertSipSequence,
  toFixture,
  saveCaptureFixture,
  type WsFrame,
  type WsCapture,
  type SipMessage,
  type StartLineOptions,
  type CaptureFixtureFrame,
} from './wire-capture';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const PHONE_BROWSER_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface LaunchPhoneBrowserOptions {
  /** Unpacked extension to load (made absolute; must contain manifest.json). */
  extensionDir?: string;
  /** Default true. */
  headless?: boolean;
  /** Extra Chromium switches. */
  args?: string[];
  /** A profile folder prepared by the test (default: a fresh temporary profile). */
  userDataDir?: string;
}

/** A persistent Chromium context (fresh temp profile) with fake microphone and auto-granted media permission. */
export async function launchPhoneBrowser(options: LaunchPhoneBrowserOptions = {}): Promise<BrowserContext> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const args = [...PHONE_BROWSER_ARGS, ...(options.args ?? [])];
  if (options.extensionDir !== undefined) {
    const dir = path.resolve(options.extensionDir);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error(`no built extension at ${dir} (manifest.json missing)`);
    args.unshift(`--disable-extensions-except=${dir}`, `--load-extension=${dir}`);
  }
  return chromium.launchPersistentContext(options.userDataDir ?? '', {
    executablePath: CHROMIUM,
    headless: options.headless ?? true,
    args,
    permissions: ['microphone'],
  });
}

export interface PhoneParams {
  /** Origin serving the built phone pages (startStaticServer(...).origin). */
  origin: string;
  /** ws://127.0.0.1:<port> of the SIP server. */
  wsUrl: string;
  user: string;
  /** Default: the ws host. */
  domain?: string;
  /** Auto-answer incoming calls after this many ms (null/undefined = never). */
  autoAnswerAfterMs?: number | null;
  /** Follow an incoming REFER (default true). */
  followRefer?: boolean;
  /** After a successful blind transfer, BYE the original call (default true). */
  hangupAfterTransfer?: boolean;
  /** Register before returning (default true). */
  register?: boolean;
  /** Library debug logs in the page console. */
  debug?: boolean;
}

/** URL of a phone page with its query string. */
export function phoneUrl(kind: PhoneKind, params: PhoneParams): string {
  const q = new URLSearchParams({ ws: params.wsUrl, user: params.user });
  if (params.domain) q.set('domain', params.domain);
  if (params.autoAnswerAfterMs !== undefined && params.autoAnswerAfterMs !== null) {
    q.set('autoAnswer', '1');
    q.set('autoAnswerAfterMs', String(params.autoAnswerAfterMs));
  } else {
    q.set('autoAnswer', '0');
  }
  if (params.followRefer === false) q.set('followRefer', '0');
  if (params.hangupAfterTransfer === false) q.set('hangupAfterTransfer', '0');
  if (params.debug) q.set('debug', '1');
  return `${params.origin.replace(/\/$/, '')}/${PHONE_PAGES[kind]}?${q.toString()}`;
}

export interface OpenPhoneOptions {
  /** Called with the new page before it navigates (attach a wire capture, listeners…). */
  beforeLoad?: (page: Page) => Promise<void> | void;
  /** Default 15 s. */
  timeoutMs?: number;
}

/** Opens a softphone page in `context`, waits for `window.phone`, and registers it (unless register: false). */
export async function openPhone(context: BrowserContext, kind: PhoneKind, params: PhoneParams, options: OpenPhoneOptions = {}): Promise<Page> {
  const timeout = options.timeoutMs ?? 15_000;
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await options.beforeLoad?.(page);
  await page.goto(phoneUrl(kind, params));
  try {
    await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.ready === 'error', undefined, { timeout, polling: 50 });
    const ready = await page.evaluate(() => document.body.dataset.ready);
    if (ready !== 'true') throw new Error('phone page reported an error');
    if (params.register !== false) {
      await Promise.race([
        page.evaluate(() => window.phone.register()),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`REGISTER of ${params.user} timed out`)), timeout)),
      ]);
    }
  } catch (e) {
    const status = await page.locator('[data-id="status"]').textContent().catch(() => '?');
    throw new Error(`openPhone(${kind}, ${params.user}) failed: ${String(e)}; status: ${status}; console errors: ${consoleErrors.join(' | ') || 'none'}`, { cause: e });
  }
  return page;
}

export interface WaitForPhoneEventOptions {
  /** Only events at or after this index of `window.phone.eventLog` (see phoneEventMark). */
  since?: number;
  /** Only events of this call. */
  callId?: string;
  /** Only events whose detail contains this text. */
  detail?: string;
}

/** Index of the next event: pass as `since` to wait only for events that happen after now. */
export function phoneEventMark(page: Page): Promise<number> {
  return page.evaluate(() => window.phone.eventLog.length);
}

/** Waits for a phone event ('incoming', 'confirmed', 'ended', …) and returns it. */
export async function waitForPhoneEvent(page: Page, name: string, timeoutMs = 10_000, options: WaitForPhoneEventOptions = {}): Promise<PhoneEvent> {
  const args = { name, since: options.since ?? 0, callId: options.callId ?? null, detail: options.detail ?? null };
  try {
    const handle = await page.waitForFunction(
      (a) =>
        window.phone.eventLog
          .slice(a.since)
          .find((e) => e.name === a.name && (a.callId === null || e.callId === a.callId) && (a.detail === null || (e.detail ?? '').includes(a.detail))) ?? false,
      args,
      { timeout: timeoutMs, polling: 50 },
    );
    return (await handle.jsonValue()) as PhoneEvent;
  } catch (e) {
    const log = await page
      .evaluate(() => window.phone.eventLog.map((ev) => `${ev.name}${ev.callId ? `[${ev.callId}]` : ''}${ev.detail ? `(${ev.detail})` : ''}`).join(', '))
      .catch(() => '?');
    const user = await page.evaluate(() => window.phone.user).catch(() => '?');
    throw new Error(`phone ${user}: no '${name}' event within ${timeoutMs} ms (since ${args.since}). Events: ${log}. ${String(e).split('\n')[0]}`, { cause: e });
  }
}

/** `window.phone.state()` of a page. */
export function phoneState(page: Page): Promise<{ registered: boolean; calls: CallInfo[] }> {
  return page.evaluate(() => window.phone.state());
}

/** Polls media stats until some audio packets were received on the current (or given) call. */
export async function waitForMedia(page: Page, timeoutMs = 10_000, callId?: string): Promise<{ packetsReceived: number; packetsSent: number }> {
  const end = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < end) {
    const s = await page.evaluate((id) => window.phone.mediaStats(id), callId);
    last = s;
    if (s && s.packetsReceived > 0 && s.packetsSent > 0) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no audio flowing within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** Sets `window.phone.options.autoAnswerAfterMs` at runtime (null = never auto-answer). */
export function setAutoAnswer(page: Page, ms: number | null): Promise<void> {
  return page.evaluate((v) => { window.phone.options.autoAnswerAfterMs = v; }, ms);
}

/** Hangs up every live call of a phone and waits until none is left (test clean-up). */
export async function hangupAll(page: Page, timeoutMs = 5_000): Promise<void> {
  const liveIds = () =>
    page.evaluate(() => window.phone.state().calls.filter((c) => c.status !== 'ended' && c.status !== 'failed').map((c) => c.id));
  for (const id of await liveIds()) {
    await page.evaluate((callId) => window.phone.hangup(callId).catch(() => {}), id);
  }
  const end = Date.now() + timeoutMs;
  while ((await liveIds()).length > 0) {
    if (Date.now() > end) throw new Error(`calls still live after hangupAll: ${(await liveIds()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
