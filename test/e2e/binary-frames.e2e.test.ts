/**
 * SIP sent as binary WebSocket frames reaches the coach, in real Chromium, alongside text frames:
 * a page of a listed site sends REFERs on four made-up dialogs over a real "sip" WebSocket (to the
 * lab's Kamailio), as text, ArrayBuffer, Blob and text again, each in a task of its own (a batch
 * of its own from the hook); every dialog becomes a call in the history, with its transfer.
 * (Written for a trial of a second channel that carried text batches as events and binary ones
 * on the port; it holds for any channel.)
 */
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhoneBrowser, openPhone } from './sip-lab/browsers';
import { startSipLab, type SipLab } from './sip-lab/lab';
import { assertBuilt, callLog, extensionWorker, setConfig } from './extension';
import type { CallRecord } from '../../src/core/coach/types';

let lab: SipLab;
let agentBrowser: BrowserContext;
let sw: Worker;

beforeAll(async () => {
  const dist = assertBuilt();
  [lab, agentBrowser] = await Promise.all([startSipLab(), launchPhoneBrowser({ extensionDir: dist })]);
  sw = await extensionWorker(agentBrowser);
  await setConfig(sw, { version: 1 });
});

afterAll(async () => {
  await agentBrowser?.close();
  await lab?.stop();
});

const KINDS = ['text', 'arraybuffer', 'blob', 'text-again'] as const;

function sendMixed(page: Page, wsUrl: string): Promise<number> {
  return page.evaluate(
    async ({ url, kinds }) => {
      const ws = new WebSocket(url, 'sip');
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      const refer = (callId: string) =>
        [
          'REFER sip:victim@127.0.0.1 SIP/2.0',
          `Via: SIP/2.0/WSS binary.invalid;branch=z9hG4bK${callId}`,
          'Max-Forwards: 70',
          'From: <sip:binary@127.0.0.1>;tag=binary',
          'To: <sip:victim@127.0.0.1>;tag=victim',
          `Call-ID: ${callId}`,
          'CSeq: 1 REFER',
          `Refer-To: <sip:${callId}@binary.invalid>`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
      let sent = 0;
      for (const kind of kinds) {
        const text = refer(`binary-${kind}`);
        if (kind === 'arraybuffer') ws.send(new TextEncoder().encode(text).buffer);
        else if (kind === 'blob') ws.send(new Blob([text]));
        else ws.send(text);
        sent++;
        // A task of its own: each frame is a batch of its own.
        await new Promise((r) => setTimeout(r, 20));
      }
      return sent;
    },
    { url: wsUrl, kinds: [...KINDS] },
  );
}

describe('a page that sends SIP as binary frames', () => {
  it('gets every dialog to the coach, text and binary alike', async () => {
    const page = await openPhone(agentBrowser, 'jssip', lab.phoneParams('binary-page'));
    try {
      expect(await sendMixed(page, lab.sip.wsUrl)).toBe(KINDS.length);
      for (const kind of KINDS) {
        await expect
          .poll(async () => ((await callLog(sw)) as CallRecord[]).find((r) => r.callId === `binary-${kind}`)?.transfers.length ?? 0, { timeout: 30_000, interval: 250 })
          .toBeGreaterThan(0);
      }
    } finally {
      await page.close();
    }
  }, 90_000);
});
