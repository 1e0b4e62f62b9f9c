/**
 * The SIP lab proven end to end, in plain Chromium (no extension): real softphones (JsSIP and
 * SIP.js) in two browsers make real calls through a real Kamailio on loopback. The agent phone
 * is JsSIP, then SIP.js; the caller and the colleague (transfer target) are JsSIP pages in the
 * second browser. Every scenario asserts the SIP start lines seen on the agent page's WebSocket
 * (CDP capture) and stores one capture per scenario under test/sip-lab/captures/ (kept if the file
 * exists; SIP_LAB_UPDATE_CAPTURES=1 refreshes them).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  assertSipSequence,
  captureWebSocketFrames,
  hangupAll,
  launchPhoneBrowser,
  openPhone,
  parseSipFrames,
  phoneEventMark,
  phoneState,
  saveCaptureFixture,
  setAutoAnswer,
  sipStartLines,
  waitForMedia,
  waitForPhoneEvent,
  type PhoneKind,
  type WsCapture,
  type WsFrame,
} from './browsers';
import { startSipLab, type SipLab } from './lab';

const CAPTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sip-lab/captures');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let lab: SipLab;
let agentBrowser: BrowserContext;
let callerBrowser: BrowserContext;
let caller: Page;
let colleague: Page;

beforeAll(async () => {
  const [labResult, agentResult, callerResult] = await Promise.allSettled([startSipLab(), launchPhoneBrowser(), launchPhoneBrowser()]);
  if (labResult.status === 'fulfilled') lab = labResult.value;
  if (agentResult.status === 'fulfilled') agentBrowser = agentResult.value;
  if (callerResult.status === 'fulfilled') callerBrowser = callerResult.value;
  for (const r of [labResult, agentResult, callerResult]) if (r.status === 'rejected') throw r.reason;
  [caller, colleague] = await Promise.all([
    openPhone(callerBrowser, 'jssip', lab.phoneParams('caller')),
    openPhone(callerBrowser, 'jssip', lab.phoneParams('colleague')),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([agentBrowser?.close(), callerBrowser?.close()]);
  await lab?.stop();
});

describe.each<PhoneKind>(['jssip', 'sipjs'])('agent softphone on %s', (kind) => {
  let agent: Page;
  let cap: WsCapture;

  const save = (scenario: string, frames: WsFrame[]) => saveCaptureFixture(path.join(CAPTURES, `${kind}-${scenario}.json`), frames);
  const wire = (frames: WsFrame[]) => sipStartLines(frames, { direction: true, cseq: true });
  const byeDone = (since: number) => cap.waitForSip((s) => s.status === 200 && s.cseqMethod === 'BYE', 5_000, since);

  /** The caller calls the agent; the agent auto-answers after `answerAfterMs`; both sides confirmed. */
  async function inboundCall(answerAfterMs = 1_000) {
    const a0 = await phoneEventMark(agent);
    const c0 = await phoneEventMark(caller);
    await setAutoAnswer(agent, answerAfterMs);
    try {
      await caller.evaluate(() => window.phone.call('agent'));
      const incoming = await waitForPhoneEvent(agent, 'incoming', 5_000, { since: a0 });
      const accepted = await waitForPhoneEvent(agent, 'accepted', 8_000, { since: a0 });
      await waitForPhoneEvent(agent, 'confirmed', 8_000, { since: a0 });
      await waitForPhoneEvent(caller, 'confirmed', 8_000, { since: c0 });
      return { agentCallId: incoming.callId ?? '', ringMs: accepted.at - incoming.at };
    } finally {
      await setAutoAnswer(agent, null);
    }
  }

  beforeAll(async () => {
    agent = await openPhone(agentBrowser, kind, lab.phoneParams('agent'), {
      beforeLoad: async (page) => { cap = await captureWebSocketFrames(page); },
    });
  });

  afterAll(async () => {
    await agent?.evaluate(() => window.phone.unregister()).catch(() => {});
    await cap?.stop();
    await agent?.close();
  });

  afterEach(async () => {
    // Leave no call behind for the next scenario, even after a failure.
    await Promise.all([agent, caller, colleague].filter(Boolean).map((p) => hangupAll(p)));
  });

  it('registers over WebSocket', async () => {
    await cap.waitForSip((s) => s.status === 200 && s.cseqMethod === 'REGISTER', 5_000);
    const frames = cap.since(0);
    assertSipSequence(wire(frames), ['> REGISTER', '< 200 REGISTER']);
    const register = parseSipFrames(frames).find((s) => s.method === 'REGISTER');
    expect(register?.headers.contact?.[0]).toMatch(/\.invalid/); // browser Contact, fixed up by Kamailio
    expect((await phoneState(agent)).registered).toBe(true);
    save('register', frames);
  });

  it('answers an inbound call after ~1 s, media flows, holds and resumes by re-INVITE, hangs up (BYE)', async () => {
    const m = await cap.mark();
    const { agentCallId, ringMs } = await inboundCall(1_000);
    expect(ringMs).toBeGreaterThanOrEqual(900);
    const media = await waitForMedia(agent, 8_000);
    expect(media.packetsReceived).toBeGreaterThan(0);

    const c0 = await phoneEventMark(caller);
    await agent.evaluate(() => window.phone.hold());
    await waitForPhoneEvent(caller, 'hold', 5_000, { since: c0, detail: 'remote' });
    expect((await phoneState(agent)).calls.find((c) => c.id === agentCallId)?.held).toBe(true);
    await agent.evaluate(() => window.phone.unhold());
    await waitForPhoneEvent(caller, 'unhold', 5_000, { since: c0, detail: 'remote' });
    expect((await phoneState(agent)).calls.find((c) => c.id === agentCallId)?.held).toBe(false);

    await agent.evaluate(() => window.phone.hangup());
    await waitForPhoneEvent(caller, 'ended', 5_000, { since: c0 });
    await byeDone(m);

    const frames = cap.since(m);
    assertSipSequence(wire(frames), [
      '< INVITE', '> 180 INVITE', '> 200 INVITE', '< ACK',
      '> INVITE', '< 200 INVITE', '> ACK', // hold
      '> INVITE', '< 200 INVITE', '> ACK', // resume
      '> BYE', '< 200 BYE',
    ]);
    const reinvites = parseSipFrames(frames).filter((s) => s.direction === 'sent' && s.method === 'INVITE');
    expect(reinvites[0]?.body).toMatch(/a=(sendonly|inactive)/);
    expect(reinvites[1]?.body).toMatch(/a=sendrecv/);
    save('inbound-hold-reinvite', frames);
  });

  it('holds and resumes by UPDATE (JsSIP) / reports UPDATE hold unsupported (SIP.js)', async () => {
    if (kind === 'sipjs') {
      await expect(agent.evaluate(() => window.phone.hold({ useUpdate: true }))).rejects.toThrow(/unsupported/);
      return;
    }
    const m = await cap.mark();
    await inboundCall(300);
    const c0 = await phoneEventMark(caller);
    await agent.evaluate(() => window.phone.hold({ useUpdate: true }));
    await waitForPhoneEvent(caller, 'hold', 5_000, { since: c0, detail: 'remote' });
    await agent.evaluate(() => window.phone.unhold({ useUpdate: true }));
    await waitForPhoneEvent(caller, 'unhold', 5_000, { since: c0, detail: 'remote' });
    await agent.evaluate(() => window.phone.hangup());
    await byeDone(m);
    const frames = cap.since(m);
    assertSipSequence(wire(frames), ['< INVITE', '> 200 INVITE', '< ACK', '> UPDATE', '< 200 UPDATE', '> UPDATE', '< 200 UPDATE', '> BYE', '< 200 BYE']);
    const updates = parseSipFrames(frames).filter((s) => s.direction === 'sent' && s.method === 'UPDATE');
    expect(updates[0]?.body).toMatch(/a=(sendonly|inactive)/);
    expect(updates[1]?.body).toMatch(/a=sendrecv/);
    save('inbound-hold-update', frames);
  });

  it('the caller hangs up (BYE from the remote side)', async () => {
    const m = await cap.mark();
    await inboundCall(300);
    const a0 = await phoneEventMark(agent);
    await caller.evaluate(() => window.phone.hangup());
    await waitForPhoneEvent(agent, 'ended', 5_000, { since: a0 });
    await cap.waitForSip((s) => s.direction === 'sent' && s.status === 200 && s.cseqMethod === 'BYE', 5_000, m);
    const frames = cap.since(m);
    assertSipSequence(wire(frames), ['< INVITE', '> 180 INVITE', '> 200 INVITE', '< ACK', '< BYE', '> 200 BYE']);
    save('inbound-remote-bye', frames);
  });

  it('blind-transfers to a colleague: REFER → 202 → NOTIFY sipfrag 200; the colleague rings and answers', async () => {
    const m = await cap.mark();
    await inboundCall(300);
    const a0 = await phoneEventMark(agent);
    const c0 = await phoneEventMark(caller);
    const k0 = await phoneEventMark(colleague);

    await agent.evaluate(() => window.phone.transfer('colleague'));
    await waitForPhoneEvent(agent, 'refer-accepted', 5_000, { since: a0 });
    await waitForPhoneEvent(caller, 'refer', 5_000, { since: c0, detail: 'colleague' });
    const ringing = await waitForPhoneEvent(colleague, 'incoming', 8_000, { since: k0 });
    expect(ringing.detail).toContain('caller'); // the transferee calls the colleague
    expect((await phoneState(colleague)).calls.at(-1)?.status).toBe('ringing');
    await sleep(300);
    await colleague.evaluate(() => window.phone.answer());
    await waitForPhoneEvent(colleague, 'confirmed', 8_000, { since: k0 });
    await waitForPhoneEvent(agent, 'transfer-succeeded', 8_000, { since: a0 });
    await waitForPhoneEvent(agent, 'ended', 5_000, { since: a0 }); // the agent leaves (BYE) after the 200 sipfrag
    await byeDone(m);

    const callerCall = (await phoneState(caller)).calls.at(-1);
    expect(callerCall).toMatchObject({ status: 'confirmed', referred: true });
    expect(callerCall?.remote).toContain('colleague');

    const frames = cap.since(m);
    assertSipSequence(wire(frames), ['< INVITE', '> 200 INVITE', '< ACK', '> REFER', '< 202 REFER', '< NOTIFY', '> 200 NOTIFY', '> BYE', '< 200 BYE']);
    const sip = parseSipFrames(frames);
    expect(sip.find((s) => s.method === 'REFER')?.headers['refer-to']?.[0]).toMatch(/colleague@/);
    const notifies = sip.filter((s) => s.method === 'NOTIFY' && s.direction === 'received');
    expect(notifies.some((n) => /^SIP\/2\.0 200/.test(n.body.trim()))).toBe(true);
    expect(notifies.every((n) => /message\/sipfrag/i.test(n.headers['content-type']?.[0] ?? ''))).toBe(true);

    // The transferee and the colleague are connected; end that call too.
    await caller.evaluate(() => window.phone.hangup());
    await waitForPhoneEvent(colleague, 'ended', 5_000, { since: k0 });
    save('blind-transfer', frames);
  });

  it('call waiting: a second call arrives mid-call; hold the first, answer, hang up, resume the first', async () => {
    const m = await cap.mark();
    const { agentCallId: first } = await inboundCall(300);
    const a0 = await phoneEventMark(agent);
    const c0 = await phoneEventMark(caller);
    const k0 = await phoneEventMark(colleague);

    await colleague.evaluate(() => window.phone.call('agent'));
    const second = await waitForPhoneEvent(agent, 'incoming', 5_000, { since: a0 });
    expect(second.callId).not.toBe(first);
    await agent.evaluate((id) => window.phone.hold({}, id), first);
    await waitForPhoneEvent(caller, 'hold', 5_000, { since: c0, detail: 'remote' });
    await agent.evaluate((id) => window.phone.answer(id), second.callId);
    await waitForPhoneEvent(colleague, 'confirmed', 8_000, { since: k0 });
    // The colleague's side confirms on the 200 OK; the agent's on the ACK, a moment later.
    await expect
      .poll(async () => (await phoneState(agent)).calls.filter((c) => c.status === 'confirmed').map((c) => [c.id, c.held]), { timeout: 5_000 })
      .toEqual([[first, true], [second.callId, false]]);

    await agent.evaluate((id) => window.phone.hangup(id), second.callId);
    await waitForPhoneEvent(colleague, 'ended', 5_000, { since: k0 });
    await agent.evaluate((id) => window.phone.unhold({}, id), first);
    await waitForPhoneEvent(caller, 'unhold', 5_000, { since: c0, detail: 'remote' });
    await agent.evaluate(() => window.phone.hangup()); // the most recent live call: the first one
    await waitForPhoneEvent(caller, 'ended', 5_000, { since: c0 });
    await expect
      .poll(() => parseSipFrames(cap.since(m)).filter((s) => s.direction === 'received' && s.status === 200 && s.cseqMethod === 'BYE').length)
      .toBe(2);

    const frames = cap.since(m);
    const sipIds = Object.fromEntries((await phoneState(agent)).calls.map((c) => [c.id, c.sipCallId]));
    const dialog = (id: string | undefined) => sipStartLines(frames, { direction: true, cseq: true, callId: sipIds[id ?? ''] ?? '-' });
    assertSipSequence(dialog(first), [
      '< INVITE', '> 200 INVITE', '< ACK',
      '> INVITE', '< 200 INVITE', '> ACK', // hold
      '> INVITE', '< 200 INVITE', '> ACK', // resume
      '> BYE', '< 200 BYE',
    ], 'first call');
    assertSipSequence(dialog(second.callId), ['< INVITE', '> 180 INVITE', '> 200 INVITE', '< ACK', '> BYE', '< 200 BYE'], 'second call');
    // Interleaving: 2nd INVITE during the 1st call → hold 1st → answer 2nd → BYE 2nd → resume 1st → BYE 1st.
    assertSipSequence(wire(frames), ['< INVITE', '< ACK', '< INVITE', '> INVITE', '> 200 INVITE', '> BYE', '> INVITE', '> BYE'], 'both calls');
    expect(new Set(parseSipFrames(frames).map((s) => s.callId)).size).toBe(2);
    save('call-waiting', frames);
  });

  it('the caller gives up while ringing: CANCEL → 487', async () => {
    const m = await cap.mark();
    const a0 = await phoneEventMark(agent);
    const c0 = await phoneEventMark(caller);
    await caller.evaluate(() => window.phone.call('agent'));
    await waitForPhoneEvent(agent, 'incoming', 5_000, { since: a0 });
    await waitForPhoneEvent(caller, 'progress', 5_000, { since: c0 });
    await sleep(1_000);
    await caller.evaluate(() => window.phone.hangup());
    await waitForPhoneEvent(agent, 'failed', 5_000, { since: a0 });
    await waitForPhoneEvent(caller, 'failed', 5_000, { since: c0 });
    await cap.waitForSip((s) => s.method === 'ACK', 5_000, m);
    const frames = cap.since(m);
    assertSipSequence(wire(frames), ['< INVITE', '> 180 INVITE', '< CANCEL', '> 200 CANCEL', '> 487 INVITE', '< ACK']);
    expect((await phoneState(agent)).calls.at(-1)?.status).toBe('failed');
    save('caller-cancel', frames);
  });

  it('rejects an inbound call with 486 Busy Here', async () => {
    const m = await cap.mark();
    const a0 = await phoneEventMark(agent);
    const c0 = await phoneEventMark(caller);
    await caller.evaluate(() => window.phone.call('agent'));
    await waitForPhoneEvent(agent, 'incoming', 5_000, { since: a0 });
    await sleep(300);
    await agent.evaluate(() => window.phone.reject(486));
    const failed = await waitForPhoneEvent(caller, 'failed', 5_000, { since: c0 });
    expect(failed.detail).toContain('486');
    await cap.waitForSip((s) => s.method === 'ACK', 5_000, m);
    const frames = cap.since(m);
    assertSipSequence(wire(frames), ['< INVITE', '> 180 INVITE', '> 486 INVITE', '< ACK']);
    save('reject-486', frames);
  });

  it('places an outbound call that the customer answers; the agent hangs up', async () => {
    const m = await cap.mark();
    const a0 = await phoneEventMark(agent);
    const c0 = await phoneEventMark(caller);
    await setAutoAnswer(caller, 500);
    try {
      await agent.evaluate(() => window.phone.call('caller'));
      await waitForPhoneEvent(agent, 'progress', 5_000, { since: a0 });
      await waitForPhoneEvent(agent, 'confirmed', 8_000, { since: a0 });
      await waitForPhoneEvent(caller, 'confirmed', 8_000, { since: c0 });
    } finally {
      await setAutoAnswer(caller, null);
    }
    await agent.evaluate(() => window.phone.hangup());
    await byeDone(m);
    const frames = cap.since(m);
    assertSipSequence(wire(frames), ['> INVITE', '< 180 INVITE', '< 200 INVITE', '> ACK', '> BYE', '< 200 BYE']);
    save('outbound-call', frames);
  });
});
