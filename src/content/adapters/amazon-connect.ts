/**
 * Amazon Connect: the Contact Control Panel (CCP) frame posts its events to the page that
 * embeds it (`postMessage({event, data})`, which is how amazon-connect-streams hears them);
 * `agent::update` carries the whole agent snapshot: contacts, their state, their connections.
 * A passive `message` listener on the embedding page reads those from the CCP's origins only
 * and diffs snapshots (core/call-snapshot-diff.ts) into calls. The library and the page's
 * handlers are left alone. A CCP page opened top-level posts to `parent`, which is itself.
 *
 * What the snapshot shows: ringing, answered, hold and resume (the customer connection's
 * `hold` state), a third party connecting → connected (transfer accepted) or gone (failed),
 * the end, and a missed or rejected contact. Not: the agent reaching for Hold or Transfer
 * before it happens, nor who hung up.
 */
import type { SoftphoneAdapter } from './adapter';
import type { Observability, RemoteParty } from '../../core/call-event';
import { diffCallSnapshots, type SnapshotCall } from '../../core/call-snapshot-diff';
import { fromChildFrame, httpsHost, record as obj, shortText as str, type Loose } from './vendor-frame';

export const AMAZON_CONNECT_ID = 'amazon-connect';

export const AMAZON_CONNECT_OBSERVES: Observability = {
  holdIntent: false,
  hold: true,
  transferIntent: false,
  transferOutcome: true,
  hangupIntent: false,
  endedBy: false,
};

/** The CCP's host suffixes (instance aliases live under both). */
const CCP_HOST_SUFFIXES = ['.my.connect.aws', '.awsapps.com'];

/** Only HTTPS under the CCP's domains. */
export const isConnectOrigin = (origin: string): boolean => httpsHost(origin, (host) => CCP_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)));
const stateType = (v: unknown): string | undefined => str(obj(obj(v)?.state)?.type)?.toLowerCase();

/** Connections of the customer and third parties (not the agent's own, not a supervisor's monitor). */
const PARTY_TYPES = new Set(['inbound', 'outbound']);
const CONNECTED = new Set(['connected', 'hold']);

/**
 * The voice contacts of one `agent::update` snapshot as calls. Untrusted input (another frame's
 * message): anything not shaped like a snapshot is skipped, never thrown on.
 */
export function connectSnapshotCalls(snapshot: unknown): SnapshotCall[] | undefined {
  const contacts = obj(snapshot)?.contacts;
  if (!Array.isArray(contacts)) return undefined;
  const calls: SnapshotCall[] = [];
  for (const raw of contacts.slice(0, 16)) {
    const contact = obj(raw);
    const id = str(contact?.contactId);
    if (!contact || !id) continue;
    const type = str(contact.type)?.toLowerCase();
    if (type !== 'voice' && type !== 'queue_callback') continue;
    const connections = (Array.isArray(contact.connections) ? contact.connections : []).map(obj).filter((c): c is Loose => !!c);
    const initial = connections.find((c) => c.initial === true);
    // A supervisor listening in (initial connection `monitoring`) is not the agent's call.
    if (!initial || !PARTY_TYPES.has(str(initial.type) ?? '')) continue;
    const state = callState(stateType(contact));
    if (!state) continue;
    const thirdParties = connections.filter((c) => c !== initial && PARTY_TYPES.has(str(c.type) ?? '') && stateType(c) !== 'disconnected');
    const thirdParty = thirdParties.some((c) => CONNECTED.has(stateType(c) ?? ''))
      ? 'connected'
      : thirdParties.length > 0
        ? 'connecting'
        : undefined;
    const number = str(obj(initial?.endpoint)?.phoneNumber);
    const remote: RemoteParty | undefined = number ? { number: number.replace(/^sip:|@.*$/g, '') } : undefined;
    calls.push({
      id,
      direction: str(initial?.type) === 'outbound' ? 'outbound' : 'inbound',
      state,
      held: stateType(initial) === 'hold',
      ...(thirdParty ? { thirdParty } : {}),
      ...(remote ? { remote } : {}),
    });
  }
  return calls;
}

/** Contact states (connect.ContactStateType) to call states; `init` is not a call yet. */
function callState(type: string | undefined): SnapshotCall['state'] | undefined {
  switch (type) {
    case 'incoming':
    case 'pending':
    case 'connecting':
      return 'ringing';
    case 'connected':
    case 'paused':
      return 'connected';
    case 'missed':
      return 'missed';
    case 'rejected':
      return 'rejected';
    case 'ended':
    case 'error':
      return 'ended';
    default:
      return undefined;
  }
}

/** Whether a message event comes from a CCP this page embeds, or from this CCP page to itself. */
export function fromCcp(event: MessageEvent, self: Window): boolean {
  if (!isConnectOrigin(event.origin)) return false;
  if (event.source === self) return self === self.top && isConnectOrigin(self.location.origin);
  return fromChildFrame(event, self);
}

export const amazonConnectAdapter: SoftphoneAdapter = {
  id: AMAZON_CONNECT_ID,
  label: 'Amazon Connect',
  world: 'window-message',
  authority: 'platform-api',
  observes: AMAZON_CONNECT_OBSERVES,
  frames: 'all',
  preset: { origins: ['https://*.my.connect.aws/*', 'https://*.awsapps.com/*'] },
  // Any page may embed a CCP; the listener stays silent until one posts.
  matches: () => true,
  start({ signal, emit, windowMessages }) {
    let previous: SnapshotCall[] | undefined;
    windowMessages.subscribe(
      ({ event, at }) => {
        if (!fromCcp(event, window)) return;
        const message = obj(event.data);
        if (message?.event !== 'agent::update') return;
        const calls = connectSnapshotCalls(obj(message.data)?.snapshot);
        if (!calls) return;
        const events = diffCallSnapshots(previous, calls, { at, source: AMAZON_CONNECT_ID, observes: AMAZON_CONNECT_OBSERVES });
        previous = calls;
        for (const callEvent of events) emit(callEvent);
      },
      signal,
    );
  },
};

/*
 * Test pages: test/fixtures/cloud/connect-embed.html (amazon-connect-streams 2.28.2, the real
 * library) and test/fixtures/cloud/ccp-stand-in.html (a stand-in for the CCP),
 * test/e2e/cloud-softphones.e2e.test.ts.
 */
