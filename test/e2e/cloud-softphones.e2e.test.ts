/**
 * Cloud softphones in a real browser: Debian Chromium with the built test extension, each
 * vendor's REAL client library from npm running in a real page, and in place of the vendor's
 * cloud the smallest STAND-IN frame that library accepts, served over TLS under the vendor's
 * real host name (--host-resolver-rules, and a certificate generated here with openssl that
 * the browser trusts through --ignore-certificate-errors-spki-list). The adapters' origin
 * filters therefore see the vendors' real origins; nothing in the extension knows the test.
 *
 * What is a stand-in here, and nothing else:
 * - Amazon Connect: the CCP frame (test/fixtures/cloud/ccp-stand-in.html). Its snapshots are
 *   written by this test in the shape of amazon-connect-streams' own sample snapshots.
 * - Aircall: the workspace frame (test/fixtures/cloud/aircall-workspace-stand-in.html).
 * - DNS and the certificate authority (resolver rules, SPKI pin) for the vendors' host names.
 * Real: Chromium, the extension (dist-e2e), amazon-connect-streams 2.28.2 and
 * aircall-everywhere 2.0.6, the embedding pages.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Frame, Page, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchPhoneBrowser } from './sip-lab/browsers';
import { assertBuilt, callLog, extensionWorker, nudgeFor, nudgeLog, recordNudges, setConfig } from './extension';
import type { CallRecord } from '../../src/core/coach/types';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FIXTURES = path.resolve('test/fixtures/cloud');
const CCP_HOST = 'test.my.connect.aws';
const AIRCALL_HOST = 'workspace.aircall.io';

/** A throwaway key and self-signed certificate, and the base64 SHA-256 of its public key (SPKI). */
function testCertificate(dir: string): { key: Buffer; cert: Buffer; spki: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', '/CN=second-ring-cloud-stand-ins'], { stdio: 'ignore' });
  const der = execFileSync('sh', ['-c', `openssl x509 -in "${certFile}" -pubkey -noout | openssl pkey -pubin -outform der`]);
  const spki = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
  return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), spki };
}

/** aircall-everywhere ships CommonJS only; a page gets it wrapped (it requires nothing). */
function aircallForPage(): string {
  const cjs = fs.readFileSync(path.resolve('node_modules/aircall-everywhere/dist/index.js'), 'utf8');
  return `(function(){var module={exports:{}};var exports=module.exports;\n${cjs}\n;window.AircallEverywhere=module.exports;})();`;
}

let tmp: string;
let standIns: https.Server; // the vendors' clouds: stand-ins only
let pages: http.Server; // the embedding pages and the vendors' real libraries
let tlsPort: number;
let pagePort: number;
let browser: BrowserContext;
let sw: Worker;

const html = (file: string) => fs.readFileSync(path.join(FIXTURES, file));
const ccpUrl = () => `https://${CCP_HOST}:${tlsPort}/ccp-v2/`;
const workspaceUrl = () => `https://${AIRCALL_HOST}:${tlsPort}/`;

beforeAll(async () => {
  const dist = assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'second-ring-cloud-'));
  const { key, cert, spki } = testCertificate(tmp);
  standIns = https.createServer({ key, cert }, (req, res) => {
    const host = (req.headers.host ?? '').split(':')[0];
    const file = host === CCP_HOST && req.url?.startsWith('/ccp-v2/') ? 'ccp-stand-in.html' : host === AIRCALL_HOST ? 'aircall-workspace-stand-in.html' : undefined;
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html(file));
  });
  const connectStreams = fs.readFileSync(path.resolve('node_modules/amazon-connect-streams/release/connect-streams.js'));
  const aircall = aircallForPage();
  pages = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const js = { 'content-type': 'text/javascript; charset=utf-8' };
    if (url.pathname === '/vendor/connect-streams.js') return void res.writeHead(200, js).end(connectStreams);
    if (url.pathname === '/vendor/aircall-everywhere.js') return void res.writeHead(200, js).end(aircall);
    if (url.pathname === '/connect') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html('connect-embed.html'));
    if (url.pathname === '/aircall') return void res.writeHead(200, { 'content-type': 'text/html' }).end(html('aircall-embed.html'));
    res.writeHead(404).end();
  });
  await Promise.all([
    new Promise<void>((r) => standIns.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => pages.listen(0, '127.0.0.1', r)),
  ]);
  tlsPort = (standIns.address() as AddressInfo).port;
  pagePort = (pages.address() as AddressInfo).port;
  browser = await launchPhoneBrowser({
    extensionDir: dist,
    args: [`--host-resolver-rules=MAP *.my.connect.aws 127.0.0.1, MAP ${AIRCALL_HOST} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${spki}`],
  });
  sw = await extensionWorker(browser);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([standIns, pages].map((s) => s && new Promise((r) => s.close(r))));
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** The embedding page's site, the CCP's own origin (for a CCP used top-level); UK cadence: ring 3 at 6 s. */
const CONFIG = {
  version: 1,
  region: 'uk',
  sites: [
    { pattern: 'http://127.0.0.1/*', adapter: 'sip-websocket' },
    { pattern: 'https://*.my.connect.aws/*', adapter: 'sip-websocket' },
  ],
  rules: { 'hold-check-back': { intervalSeconds: 3 } },
};

async function records(): Promise<CallRecord[]> {
  return (await callLog(sw)) as CallRecord[];
}
const recordOf = async (callId: string) => (await records()).find((r) => r.callId === callId);
const shown = async (page: Page, rule: string) => (await nudgeLog(page)).filter((n) => n.rule === rule);
const libraryLog = (page: Page) => page.evaluate(() => (window as unknown as { libraryLog: string[] }).libraryLog.slice());

async function frameOf(page: Page, host: string): Promise<Frame> {
  for (const end = Date.now() + 10_000; Date.now() < end; await sleep(50)) {
    const frame = page.frames().find((f) => f.url().startsWith(`https://${host}:`));
    if (frame && (await frame.evaluate(() => 'standIn' in window).catch(() => false))) return frame;
  }
  throw new Error(`no ${host} stand-in frame in ${page.url()}`);
}

// ─── Amazon Connect ────────────────────────────────────────────────────────────────────────

/** An agent snapshot shaped like amazon-connect-streams' test/unit/sample-snapshots.js. */
function connectSnapshot(contacts: ReturnType<typeof voiceContact>[]) {
  const now = Date.now();
  return {
    agentAvailabilityState: { state: 'Available', timeStamp: now },
    contacts,
    nextState: null,
    snapshotTimestamp: now,
    state: { agentStateARN: null, name: contacts.length ? 'Busy' : 'Available', startTimestamp: now, type: contacts.length ? 'system' : 'routable' },
  };
}

type ConnState = 'init' | 'connecting' | 'connected' | 'hold' | 'disconnected';
function connection(connectionId: string, type: 'agent' | 'inbound' | 'outbound', initial: boolean, state: ConnState, phoneNumber: string | null) {
  const now = Date.now();
  return {
    chatMediaInfo: null,
    connectionId,
    endpoint: { agentLogin: null, endpointARN: null, name: null, phoneNumber, queue: null, type: type === 'agent' ? 'agent' : 'phone_number' },
    initial,
    monitoringInfo: null,
    mute: false,
    quickConnectName: null,
    softphoneMediaInfo: null,
    state: { timestamp: now, type: state },
    type,
  };
}

function voiceContact(
  contactId: string,
  state: 'connecting' | 'connected' | 'missed' | 'ended',
  customer: ConnState,
  agent: ConnState,
  thirdParty?: ConnState,
) {
  const now = Date.now();
  return {
    attributes: {},
    channelContext: null,
    connections: [
      connection(`${contactId}-agent`, 'agent', false, agent, null),
      connection(`${contactId}-customer`, 'inbound', true, customer, '+37167000000'),
      ...(thirdParty ? [connection(`${contactId}-colleague`, 'outbound', false, thirdParty, '+37167000001')] : []),
    ],
    contactDuration: '0',
    contactFeatures: { attachmentsEnabled: null, messagingMarkdownEnabled: null, multiPartyConferenceEnabled: false },
    contactId,
    description: null,
    initialContactId: contactId,
    initiationMethod: null,
    name: null,
    queue: { name: 'BasicQueue', queueARN: 'stand-in' },
    queueTimestamp: now,
    references: null,
    state: { timestamp: now, type: state },
    type: 'voice',
  };
}

describe('Amazon Connect through amazon-connect-streams 2.28.2 and a stand-in CCP', () => {
  let page: Page;
  let ccp: Frame;
  const post = (contacts: ReturnType<typeof voiceContact>[]) =>
    ccp.evaluate((s) => (window as unknown as { standIn: { post(s: unknown): void } }).standIn.post(s), connectSnapshot(contacts));

  beforeAll(async () => {
    await setConfig(sw, CONFIG);
  });

  beforeEach(async () => {
    page = await browser.newPage();
    await recordNudges(page);
    await page.goto(`http://127.0.0.1:${pagePort}/connect?ccp=${encodeURIComponent(ccpUrl())}`);
    ccp = await frameOf(page, CCP_HOST);
    await post([]);
  });

  afterEach(async () => {
    await page.close();
  });

  it('coaches a call walked through ring, answer, hold, resume, transfer and end; a forged snapshot from the page is ignored', async () => {
    // The page itself posting a CCP-shaped message: wrong origin, never a call.
    await page.evaluate((s) => window.postMessage({ event: 'agent::update', data: { snapshot: s } }, '*'), connectSnapshot([voiceContact('forged', 'connecting', 'connected', 'connecting')]));
    const id = `c-${Date.now()}`;
    await post([voiceContact(id, 'connecting', 'connected', 'connecting')]);
    await expect.poll(() => recordOf(id).then((r) => r?.source)).toBe('amazon-connect');
    const ringStart = (await recordOf(id))!.startedAt;
    await nudgeFor(page, 'answer-window').waitFor({ timeout: 9_000 });
    const [late] = await shown(page, 'answer-window');
    expect(late!.firedAt - ringStart).toBe(6_000); // ring 3 of the UK cadence
    await post([voiceContact(id, 'connected', 'connected', 'connected')]);
    await expect.poll(() => nudgeFor(page, 'answer-window').count()).toBe(0);

    // Hold: Connect shows no intent before it, so the question comes when hold starts.
    await post([voiceContact(id, 'connected', 'hold', 'connected')]);
    const question = nudgeFor(page, 'hold-permission');
    await question.waitFor({ timeout: 3_000 });
    await question.locator('button[data-answer="yes"]').click();
    await nudgeFor(page, 'hold-check-back').waitFor({ timeout: 5_000 });
    await post([voiceContact(id, 'connected', 'connected', 'connected')]);
    await expect.poll(() => nudgeFor(page, 'hold-check-back').count()).toBe(0);

    // Transfer: a third party connecting, then connected; the agent leaves.
    await post([voiceContact(id, 'connected', 'connected', 'connected', 'connecting')]);
    await nudgeFor(page, 'transfer-permission').waitFor({ timeout: 3_000 });
    await post([voiceContact(id, 'connected', 'connected', 'connected', 'connected')]);
    await sleep(300);
    await post([voiceContact(id, 'ended', 'disconnected', 'disconnected', 'connected')]);

    await expect.poll(() => recordOf(id).then((r) => r?.outcome)).toBe('answered');
    await expect.poll(() => recordOf(id).then((r) => r?.endedAt !== undefined)).toBe(true);
    // The caller was handed over by a transfer seen accepted: the colleague closes that
    // conversation, so no closing checklist (closing.ts, evidence first).
    await sleep(500);
    expect(await shown(page, 'closing')).toEqual([]);
    const record = (await recordOf(id))!;
    expect(record.holds).toHaveLength(1);
    expect(record.transfers[0]?.outcome).toMatch(/accepted|completed/);
    expect(record.flags.filter((f) => f.ruleId === 'safe-hold')).toEqual([]);
    expect(await shown(page, 'safe-hold')).toEqual([]);
    const checkBacks = await shown(page, 'hold-check-back');
    expect(checkBacks).toHaveLength(1);
    expect(checkBacks[0]!.firedAt - record.holds[0]!.start).toBe(3_000); // on time: the check-back interval
    expect((await records()).some((r) => r.callId === 'forged')).toBe(false);
    // The real library took the stand-in's snapshots as calls.
    expect(await libraryLog(page)).toEqual(expect.arrayContaining(['contact', 'connecting', 'connected', 'on-hold', 'third-party', 'ended']));
  });

  it('records a contact the agent let ring out as missed', async () => {
    const id = `m-${Date.now()}`;
    await post([voiceContact(id, 'connecting', 'connected', 'connecting')]);
    await sleep(1_500);
    await post([voiceContact(id, 'missed', 'disconnected', 'disconnected')]);
    await nudgeFor(page, 'missed-call').waitFor({ timeout: 3_000 });
    await expect.poll(() => recordOf(id).then((r) => r?.outcome)).toBe('missed');
    expect(await libraryLog(page)).toContain('missed');
  });

  it('attaching mid-call starts from the current snapshot', async () => {
    await page.close();
    page = await browser.newPage();
    await recordNudges(page);
    // The CCP already has a connected call when the page (and the extension) first hears from it.
    await page.goto(`http://127.0.0.1:${pagePort}/connect?ccp=${encodeURIComponent(ccpUrl())}`);
    ccp = await frameOf(page, CCP_HOST);
    const id = `a-${Date.now()}`;
    await post([voiceContact(id, 'connected', 'connected', 'connected')]);
    await expect.poll(() => recordOf(id).then((r) => r?.source)).toBe('amazon-connect');
    await post([voiceContact(id, 'connected', 'hold', 'connected')]);
    await nudgeFor(page, 'hold-permission').waitFor({ timeout: 3_000 });
    expect(await shown(page, 'answer-window')).toEqual([]);
  });

  it('coaches the CCP page used top-level (it posts to itself)', async () => {
    const top = await browser.newPage();
    await recordNudges(top);
    await top.goto(ccpUrl());
    const id = `t-${Date.now()}`;
    const postTop = (contacts: ReturnType<typeof voiceContact>[]) =>
      top.evaluate((s) => (window as unknown as { standIn: { post(s: unknown): void } }).standIn.post(s), connectSnapshot(contacts));
    await postTop([]);
    await postTop([voiceContact(id, 'connecting', 'connected', 'connecting')]);
    await postTop([voiceContact(id, 'connected', 'connected', 'connected')]);
    await postTop([voiceContact(id, 'ended', 'disconnected', 'disconnected')]);
    await nudgeFor(top, 'closing').waitFor({ timeout: 3_000 });
    expect((await recordOf(id))?.source).toBe('amazon-connect');
    await top.close();
  });
});

// ─── Aircall ───────────────────────────────────────────────────────────────────────────────

describe('Aircall through aircall-everywhere 2.0.6 and a stand-in workspace', () => {
  let page: Page;
  let workspace: Frame;
  const send = (event: string, value: unknown) =>
    workspace.evaluate(([e, v]) => (window as unknown as { standIn: { send(e: string, v: unknown): void } }).standIn.send(e as string, v), [event, value] as const);

  beforeAll(async () => {
    await setConfig(sw, CONFIG);
  });

  beforeEach(async () => {
    page = await browser.newPage();
    await recordNudges(page);
    await page.goto(`http://127.0.0.1:${pagePort}/aircall?ws=${encodeURIComponent(workspaceUrl())}`);
    workspace = await frameOf(page, AIRCALL_HOST);
    await expect.poll(() => libraryLog(page)).toContain('login');
  });

  afterEach(async () => {
    await page.close();
  });

  it('coaches ringing, answer and end; hold and transfer nudges stay silent; the page keeps its own handlers', async () => {
    const id = `ac-${Date.now()}`;
    await send('incoming_call', { from: '+37167000000', to: '+37167000009', call_id: id });
    await expect.poll(() => recordOf(id).then((r) => r?.source)).toBe('aircall');
    const ringStart = (await recordOf(id))!.startedAt;
    await nudgeFor(page, 'answer-window').waitFor({ timeout: 9_000 });
    expect((await shown(page, 'answer-window'))[0]!.firedAt - ringStart).toBe(6_000);
    await send('call_end_ringtone', { answer_status: 'answered', call_id: id });
    await expect.poll(() => nudgeFor(page, 'answer-window').count()).toBe(0);
    // Connected for longer than a check-back interval: nothing about hold or transfer can come.
    await sleep(4_000);
    await send('call_ended', { duration: 5, call_id: id });
    await nudgeFor(page, 'closing').waitFor({ timeout: 3_000 });
    for (const rule of ['hold-permission', 'hold-check-back', 'hold-overuse', 'transfer-permission', 'safe-hold']) {
      expect(await shown(page, rule), rule).toEqual([]);
    }
    await expect.poll(() => recordOf(id).then((r) => r?.outcome)).toBe('answered');
    const record = (await recordOf(id))!;
    expect(record.holds).toEqual([]);
    expect(record.transfers).toEqual([]);
    expect(record.flags).toEqual([]);
    // The page's own .on() handlers still got every event: we never replaced them.
    const log = await libraryLog(page);
    expect(log.filter((l) => l.startsWith('incoming_call:'))).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('call_end_ringtone:'))).toHaveLength(1);
    expect(log.filter((l) => l.startsWith('call_ended:'))).toHaveLength(1);
  });

  it('records a caller who hangs up while it rings as missed', async () => {
    const id = `am-${Date.now()}`;
    await send('incoming_call', { from: '+37167000000', call_id: id });
    await sleep(1_000);
    await send('call_end_ringtone', { answer_status: 'disconnected', call_id: id });
    await nudgeFor(page, 'missed-call').waitFor({ timeout: 3_000 });
    await expect.poll(() => recordOf(id).then((r) => r?.outcome)).toBe('missed');
    expect((await recordOf(id))?.missedReason).toBe('caller-abandoned');
  });

  it('ignores apm_phone_ events the page posts itself, which the SDK would take', async () => {
    const before = (await records()).length;
    await page.evaluate(() => window.postMessage({ name: 'apm_phone_incoming_call', value: { from: '+1555', call_id: 'forged' } }, '*'));
    await expect.poll(() => libraryLog(page)).toContain('incoming_call:{"from":"+1555","call_id":"forged"}');
    await sleep(1_000);
    expect((await records()).length).toBe(before);
    expect(await shown(page, 'answer-window')).toEqual([]);
  });
});
