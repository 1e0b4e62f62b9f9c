// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import {
  AMAZON_CONNECT_OBSERVES,
  amazonConnectAdapter,
  connectSnapshotCalls,
  isConnectOrigin,
} from '../../../src/content/adapters/amazon-connect';
import { AIRCALL_OBSERVES, aircallAdapter, applyAircallEvent, isAircallOrigin, noAircallCalls } from '../../../src/content/adapters/aircall';
import type { CallEvent } from '../../../src/core/call-event';
import type { PageSignalSource } from '../../../src/content/page-bridge';
import type { WindowMessageSource } from '../../../src/content/adapters/adapter';
import { createHandoverQueue, isVendorOrigin } from '../../../src/content/page-start';

const page: PageSignalSource = { subscribe: () => undefined, rejected: 0 };
let controller = new AbortController();
afterEach(() => controller.abort());

/** As the content script's starter passes them on: messages from vendors' origins, in order. */
function vendorMessages(signal: AbortSignal): WindowMessageSource {
  const queue = createHandoverQueue<{ event: MessageEvent; at: number }>(128);
  window.addEventListener('message', (event) => isVendorOrigin(event.origin) && queue.push({ event, at: Date.now() }), { signal });
  return { subscribe: (listener) => queue.attach(listener) };
}

function start(adapter: typeof amazonConnectAdapter): CallEvent[] {
  controller = new AbortController();
  const events: CallEvent[] = [];
  adapter.start({ signal: controller.signal, page, windowMessages: vendorMessages(controller.signal), emit: (e) => events.push(e) });
  return events;
}

/** A child frame of this page, as the message's `source` (only its `parent` is read). */
const childFrame = { parent: window } as unknown as Window;
const strangerFrame = { parent: {} } as unknown as Window;
function deliver(data: unknown, origin: string, source: Window = childFrame): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source }));
}

// Shaped like amazon-connect-streams' test/unit/sample-snapshots.js (inboundVoiceContactSoftphone).
const conn = (id: string, type: string, initial: boolean, state: string, phoneNumber: string | null = null) => ({
  connectionId: id,
  type,
  initial,
  state: { type: state, timestamp: new Date(0) },
  endpoint: { type: type === 'agent' ? 'agent' : 'phone_number', phoneNumber },
});
const contact = (state: string, customer: string, extra: object[] = [], type = 'voice', initialType = 'inbound') => ({
  contactId: 'f21dcc79',
  type,
  state: { type: state, timestamp: new Date(0) },
  connections: [conn('a', 'agent', false, 'connecting'), conn('c', initialType, true, customer, '+13474295233'), ...extra],
});
const snapshot = (...contacts: object[]) => ({ snapshot: { contacts, state: { name: 'Busy', type: 'system' } }, configuration: {} });

describe('Amazon Connect: snapshot mapping', () => {
  it('maps contact and connection states to calls', () => {
    expect(connectSnapshotCalls(snapshot(contact('connecting', 'connected')).snapshot)).toEqual([
      { id: 'f21dcc79', direction: 'inbound', state: 'ringing', held: false, remote: { number: '+13474295233' } },
    ]);
    expect(connectSnapshotCalls(snapshot(contact('connected', 'hold')).snapshot)?.[0]).toMatchObject({ state: 'connected', held: true });
    expect(connectSnapshotCalls(snapshot(contact('connected', 'connected', [conn('x', 'outbound', false, 'connecting')])).snapshot)?.[0]).toMatchObject({
      thirdParty: 'connecting',
    });
    expect(connectSnapshotCalls(snapshot(contact('connected', 'connected', [conn('x', 'outbound', false, 'connected')])).snapshot)?.[0]).toMatchObject({
      thirdParty: 'connected',
    });
    expect(connectSnapshotCalls(snapshot(contact('connected', 'connected', [conn('x', 'outbound', false, 'disconnected')])).snapshot)?.[0]?.thirdParty).toBeUndefined();
    expect(connectSnapshotCalls(snapshot(contact('missed', 'disconnected')).snapshot)?.[0]?.state).toBe('missed');
    expect(connectSnapshotCalls(snapshot(contact('rejected', 'disconnected')).snapshot)?.[0]?.state).toBe('rejected');
    expect(connectSnapshotCalls(snapshot(contact('ended', 'disconnected')).snapshot)?.[0]?.state).toBe('ended');
    expect(connectSnapshotCalls(snapshot(contact('connecting', 'connecting', [], 'voice', 'outbound')).snapshot)?.[0]?.direction).toBe('outbound');
  });

  it('skips what is not the agent’s voice call, and anything not shaped like a snapshot', () => {
    expect(connectSnapshotCalls(snapshot(contact('connected', 'connected', [], 'chat')).snapshot)).toEqual([]);
    expect(connectSnapshotCalls(snapshot(contact('connected', 'connected', [], 'voice', 'monitoring')).snapshot)).toEqual([]);
    expect(connectSnapshotCalls(snapshot(contact('init', 'init')).snapshot)).toEqual([]);
    for (const bad of [null, 'x', {}, { contacts: 'no' }]) expect(connectSnapshotCalls(bad)).toBeUndefined();
    expect(connectSnapshotCalls({ contacts: [null, 1, { contactId: 5 }] })).toEqual([]);
  });

  it('accepts the CCP’s origins over HTTPS only', () => {
    expect(isConnectOrigin('https://acme.my.connect.aws')).toBe(true);
    expect(isConnectOrigin('https://acme.awsapps.com')).toBe(true);
    expect(isConnectOrigin('https://test.my.connect.aws:8443')).toBe(true);
    expect(isConnectOrigin('http://acme.my.connect.aws')).toBe(false);
    expect(isConnectOrigin('https://my.connect.aws.evil.example')).toBe(false);
    expect(isConnectOrigin('https://evilmy.connect.aws')).toBe(false);
    expect(isConnectOrigin('null')).toBe(false);
  });
});

describe('Amazon Connect: the passive listener', () => {
  const CCP = 'https://acme.my.connect.aws';

  it('diffs agent::update snapshots from a CCP frame into a call, observes stamped on its start', () => {
    const events = start(amazonConnectAdapter);
    deliver({ event: 'agent::update', data: snapshot() }, CCP);
    deliver({ event: 'agent::update', data: snapshot(contact('connecting', 'connected')) }, CCP);
    deliver({ event: 'synchronize' }, CCP);
    deliver({ event: 'agent::update', data: snapshot(contact('connected', 'connected')) }, CCP);
    deliver({ event: 'agent::update', data: snapshot(contact('connected', 'hold')) }, CCP);
    deliver({ event: 'agent::update', data: snapshot(contact('connected', 'connected')) }, CCP);
    deliver({ event: 'agent::update', data: snapshot() }, CCP);
    expect(events.map((e) => e.type)).toEqual(['ringing', 'answered', 'held', 'resumed', 'ended']);
    expect(events[0]).toMatchObject({ source: 'amazon-connect', callId: 'f21dcc79', observes: AMAZON_CONNECT_OBSERVES });
  });

  it('ignores other origins, the page itself, and frames that are not this page’s children', () => {
    const events = start(amazonConnectAdapter);
    const ring = { event: 'agent::update', data: snapshot(contact('connecting', 'connected')) };
    deliver(ring, 'https://evil.example');
    deliver(ring, 'http://acme.my.connect.aws');
    deliver(ring, CCP, window); // a non-CCP top-level page posting to itself
    deliver(ring, CCP, strangerFrame);
    expect(events).toEqual([]);
  });

  it('starts from the current snapshot when attached mid-call', () => {
    const events = start(amazonConnectAdapter);
    deliver({ event: 'agent::update', data: snapshot(contact('connected', 'hold')) }, CCP);
    expect(events.map((e) => e.type)).toEqual(['answered', 'held']);
  });
});

describe('Aircall: event mapping', () => {
  const fold = (...messages: { name: string; value?: unknown }[]) => {
    let state = noAircallCalls();
    const seen: string[] = [];
    for (const m of messages) {
      const next = applyAircallEvent(state, m);
      if (next) state = next;
      seen.push(next ? next.calls.map((c) => `${c.id}:${c.state}`).join(',') : '-');
    }
    return seen;
  };

  it('follows inbound and outbound calls by call_id', () => {
    expect(
      fold(
        { name: 'apm_phone_incoming_call', value: { from: '+33', call_id: 7 } },
        { name: 'apm_phone_call_end_ringtone', value: { answer_status: 'answered', call_id: 7 } },
        { name: 'apm_phone_call_ended', value: { duration: 12, call_id: 7 } },
        { name: 'apm_phone_outgoing_call', value: { to: '+44', call_id: 8 } },
        { name: 'apm_phone_outgoing_answered', value: { call_id: 8 } },
      ),
    ).toEqual(['7:ringing', '7:connected', '7:ended', '8:ringing', '8:connected']);
  });

  it('maps the ringtone’s end: disconnected is the caller giving up, refused a rejection; without call_id, the open call', () => {
    expect(fold({ name: 'apm_phone_incoming_call', value: {} }, { name: 'apm_phone_call_end_ringtone', value: { answer_status: 'disconnected' } })).toEqual([
      'aircall-1:ringing',
      'aircall-1:ended',
    ]);
    expect(fold({ name: 'apm_phone_incoming_call', value: {} }, { name: 'apm_phone_call_end_ringtone', value: { answer_status: 'refused' } })).toEqual([
      'aircall-1:ringing',
      'aircall-1:rejected',
    ]);
  });

  it('ignores what is not a call event or names no known call', () => {
    expect(fold({ name: 'apm_phone_loaded', value: {} }, { name: 'apm_app_isready' }, { name: 'apm_phone_call_ended', value: { call_id: 1 } })).toEqual(['-', '-', '-']);
    for (const bad of [null, 'apm_phone_incoming_call', { name: 5 }]) expect(applyAircallEvent(noAircallCalls(), bad)).toBeUndefined();
  });

  it('accepts only the workspace’s origin over HTTPS', () => {
    expect(isAircallOrigin('https://workspace.aircall.io')).toBe(true);
    expect(isAircallOrigin('https://workspace.aircall.io:8443')).toBe(true);
    expect(isAircallOrigin('http://workspace.aircall.io')).toBe(false);
    expect(isAircallOrigin('https://workspace.aircall.io.evil.example')).toBe(false);
    expect(isAircallOrigin('https://phone.aircall.io')).toBe(false);
  });
});

describe('Aircall: the passive listener', () => {
  const WS = 'https://workspace.aircall.io';

  it('reports ringing, answered and ended, with no hold or transfer it could observe', () => {
    const events = start(aircallAdapter);
    deliver({ name: 'apm_phone_incoming_call', value: { from: '+33', call_id: 'x' } }, WS);
    deliver({ name: 'apm_phone_call_end_ringtone', value: { answer_status: 'answered', call_id: 'x' } }, WS);
    deliver({ name: 'apm_phone_call_ended', value: { call_id: 'x' } }, WS);
    expect(events.map((e) => e.type)).toEqual(['ringing', 'answered', 'ended']);
    expect(events[0]).toMatchObject({ source: 'aircall', callId: 'x', remote: { number: '+33' }, observes: AIRCALL_OBSERVES });
    expect(AIRCALL_OBSERVES).toMatchObject({ hold: false, holdIntent: false, transferOutcome: false, transferIntent: false });
  });

  it('reports a call missed while ringing', () => {
    const events = start(aircallAdapter);
    deliver({ name: 'apm_phone_incoming_call', value: { call_id: 'y' } }, WS);
    deliver({ name: 'apm_phone_call_end_ringtone', value: { answer_status: 'disconnected', call_id: 'y' } }, WS);
    expect(events.at(-1)).toMatchObject({ type: 'missed', reason: 'caller-abandoned', by: 'remote' });
  });

  it('checks the origin and the sender itself, which the SDK does not', () => {
    const events = start(aircallAdapter);
    const ring = { name: 'apm_phone_incoming_call', value: { call_id: 'z' } };
    deliver(ring, 'http://127.0.0.1:8080', window); // the page posting to itself
    deliver(ring, WS, window);
    deliver(ring, 'https://evil.example');
    deliver(ring, WS, strangerFrame);
    expect(events).toEqual([]);
  });
});
