/**
 * The SIP adapter on recorded SIP dialogs: every capture of the SIP lab (test/sip-lab/captures,
 * real JsSIP 3.13 / SIP.js 0.21 phones in Chromium behind Kamailio, recorded on the agent's
 * page) replayed frame by frame through `trackSipFrame`, and the CallEvents it yields checked
 * per Call-ID, per triggering frame and field by field.
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent, CallEventType } from '../../../src/core/call-event';
import { SIP_SOURCE, createTrackerState } from '../../../src/core/sip/dialog-tracker';
import {
  type Capture,
  type Phone,
  type Replay,
  captureNames,
  eventsByCall,
  frameLabel,
  initialInvites,
  loadCapture,
  nameAddrParts,
  replay,
} from '../../fixtures/sip/captures';

// ─── What each scenario must produce ───────────────────────────────────────────────────

/** Which dialog of the capture, in order of the initial INVITEs. */
type CallLabel = 'first' | 'second';

type EventBody = CallEvent extends infer E ? (E extends CallEvent ? Omit<E, 'callId' | 'at' | 'source'> : never) : never;

/** One expected event: its call, the frame that triggers it (as `frameLabel` writes it), its body. */
type Expected = readonly [call: CallLabel, frame: string, event: EventBody];

interface Scenario {
  readonly phones: readonly Phone[];
  readonly events: readonly Expected[];
}

const BOTH: readonly Phone[] = ['jssip', 'sipjs'];
/** The lab's caller: From `"caller" <sip:caller@127.0.0.1>`. */
const CALLER = { displayName: 'caller', number: 'caller' };
/** The second caller of the call-waiting scenario: From `"colleague" <sip:colleague@127.0.0.1>`. */
const COLLEAGUE = { displayName: 'colleague', number: 'colleague' };
/** The outbound call's To, `<sip:caller@127.0.0.1>`: a user part and no display name. */
const CALLEE = { number: 'caller' };

const SCENARIOS: Readonly<Record<string, Scenario>> = {
  register: { phones: BOTH, events: [] },
  'inbound-hold-reinvite': {
    phones: BOTH,
    events: [
      ['first', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: CALLER }],
      ['first', '> 200 INVITE', { type: 'answered', direction: 'inbound', remote: CALLER }],
      ['first', '< 200 INVITE', { type: 'held', by: 'agent' }],
      ['first', '< 200 INVITE', { type: 'resumed', by: 'agent' }],
      ['first', '> BYE', { type: 'ended', by: 'agent' }],
    ],
  },
  'inbound-hold-update': {
    // SIP.js 0.21 cannot send UPDATE (test/sip-lab/README.md).
    phones: ['jssip'],
    events: [
      ['first', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: CALLER }],
      ['first', '> 200 INVITE', { type: 'answered', direction: 'inbound', remote: CALLER }],
      ['first', '< 200 UPDATE', { type: 'held', by: 'agent' }],
      ['first', '< 200 UPDATE', { type: 'resumed', by: 'agent' }],
      ['first', '> BYE', { type: 'ended', by: 'agent' }],
    ],
  },
  'inbound-remote-bye': {
    phones: BOTH,
    events: [
      ['first', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: CALLER }],
      ['first', '> 200 INVITE', { type: 'answered', direction: 'inbound', remote: CALLER }],
      ['first', '< BYE', { type: 'ended', by: 'remote' }],
    ],
  },
  'blind-transfer': {
    phones: BOTH,
    events: [
      ['first', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: CALLER }],
      ['first', '> 200 INVITE', { type: 'answered', direction: 'inbound', remote: CALLER }],
      ['first', '> REFER', { type: 'transfer-started', by: 'agent', target: 'sip:colleague@127.0.0.1' }],
      ['first', '< 202 REFER', { type: 'transfer-accepted', by: 'agent', completed: false }],
      ['first', '< NOTIFY sipfrag 200', { type: 'transfer-accepted', by: 'agent', completed: true }],
      ['first', '> BYE', { type: 'ended', by: 'agent' }],
    ],
  },
  'call-waiting': {
    phones: BOTH,
    events: [
      ['first', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: CALLER }],
      ['first', '> 200 INVITE', { type: 'answered', direction: 'inbound', remote: CALLER }],
      ['second', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: COLLEAGUE }],
      ['first', '< 200 INVITE', { type: 'held', by: 'agent' }],
      ['second', '> 200 INVITE', { type: 'answered', direction: 'inbound', remote: COLLEAGUE }],
      ['second', '> BYE', { type: 'ended', by: 'agent' }],
      ['first', '< 200 INVITE', { type: 'resumed', by: 'agent' }],
      ['first', '> BYE', { type: 'ended', by: 'agent' }],
    ],
  },
  'caller-cancel': {
    phones: BOTH,
    events: [
      ['first', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: CALLER }],
      [
        'first',
        '> 487 INVITE',
        { type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned', status: 487 },
      ],
    ],
  },
  'reject-486': {
    phones: BOTH,
    events: [
      ['first', '> 180 INVITE', { type: 'ringing', direction: 'inbound', remote: CALLER }],
      ['first', '> 486 INVITE', { type: 'missed', direction: 'inbound', by: 'agent', reason: 'rejected', status: 486 }],
    ],
  },
  'outbound-call': {
    phones: BOTH,
    events: [
      ['first', '> INVITE', { type: 'outbound-dialing', direction: 'outbound', remote: CALLEE }],
      ['first', '< 200 INVITE', { type: 'answered', direction: 'outbound', remote: CALLEE }],
      ['first', '> BYE', { type: 'ended', by: 'agent' }],
    ],
  },
};

const EXPECTED_CAPTURES = Object.entries(SCENARIOS)
  .flatMap(([scenario, { phones }]) => phones.map((phone) => `${phone}-${scenario}`))
  .sort();

const ALL_CAPTURES = captureNames();

function scenarioCases(scenario: string): string[] {
  return (SCENARIOS[scenario]?.phones ?? []).map((phone) => `${phone}-${scenario}`);
}

// ─── Replay helpers ────────────────────────────────────────────────────────────────────

const replays = new Map<string, { capture: Capture; result: Replay }>();

/** Load and replay a capture once per test file (the tracker is pure, so sharing is safe). */
function replayed(name: string): { capture: Capture; result: Replay } {
  let entry = replays.get(name);
  if (!entry) {
    const capture = loadCapture(name);
    entry = { capture, result: replay(capture) };
    replays.set(name, entry);
  }
  return entry;
}

/** Call-ID → 'first' | 'second', by the order of the initial INVITEs in the capture. */
function callLabels(capture: Capture): Map<string, CallLabel> {
  const labels: CallLabel[] = ['first', 'second'];
  const invites = initialInvites(capture);
  if (invites.length > labels.length) throw new Error(`${capture.name}: more dialogs than labels`);
  return new Map(invites.map((invite, i) => [invite.callId, labels[i] as CallLabel]));
}

function bodyOf(event: CallEvent): EventBody {
  const { callId: _callId, at: _at, source: _source, ...body } = event;
  return body as EventBody;
}

/** Every event with its call label and the label of the frame that produced it. */
function observed(name: string): Expected[] {
  const { capture, result } = replayed(name);
  const labels = callLabels(capture);
  return result.steps.flatMap((step) =>
    step.events.map((event): Expected => {
      const label = labels.get(event.callId);
      if (label === undefined) throw new Error(`${name}: event for a Call-ID with no initial INVITE: ${event.callId}`);
      return [label, frameLabel(step.frame), bodyOf(event)];
    }),
  );
}

function typesPerCall(events: readonly Expected[]): Partial<Record<CallLabel, CallEventType[]>> {
  const out: Partial<Record<CallLabel, CallEventType[]>> = {};
  for (const [call, , event] of events) (out[call] ??= []).push(event.type);
  return out;
}

/** Types that a call can legitimately carry more than once. */
const REPEATABLE: ReadonlySet<CallEventType> = new Set(['held', 'resumed', 'transfer-accepted']);
/** Types that open a call. */
const OPENING: ReadonlySet<CallEventType> = new Set(['ringing', 'outbound-dialing']);
/** Types that close a call. */
const CLOSING: ReadonlySet<CallEventType> = new Set(['ended', 'missed']);
/** What may still come after a call closed: the outcome of a transfer still open. */
const AFTER_CLOSE: ReadonlySet<CallEventType> = new Set(['transfer-accepted', 'transfer-failed']);

// ─── Generic checks, for every capture ─────────────────────────────────────────────────

describe('adapter on recorded SIP dialogs', () => {
  it('has a capture for every phone and scenario of the lab, and an expectation for every capture', () => {
    expect(ALL_CAPTURES).toEqual(EXPECTED_CAPTURES);
  });

  describe.each(ALL_CAPTURES)('replaying %s', (name) => {
    it('parses every frame, with no invalid message', () => {
      const { capture, result } = replayed(name);
      expect(result.steps).toHaveLength(capture.frames.length);
      const invalid = result.steps.filter((step) => step.invalid !== 0).map((step) => step.index);
      expect(invalid).toEqual([]);
      expect(result.invalid).toBe(0);
    });

    it('stamps each event with the time of the frame that triggered it and the adapter source', () => {
      const { result } = replayed(name);
      for (const step of result.steps) {
        for (const event of step.events) {
          expect(event.at).toBe(step.frame.at);
          expect(event.source).toBe(SIP_SOURCE);
        }
      }
    });

    it('passes a custom source through to every event', () => {
      const { capture, result } = replayed(name);
      const custom = replay(capture, 'lab-replay');
      expect(custom.events).toEqual(result.events.map((event) => ({ ...event, source: 'lab-replay' })));
    });

    it('never emits the same event type for the same call at the same time twice', () => {
      const { result } = replayed(name);
      const keys = result.events
        .filter((event) => !REPEATABLE.has(event.type) || event.type === 'transfer-accepted')
        .map((event) =>
          [event.callId, event.type, event.at, event.type === 'transfer-accepted' ? event.completed : ''].join('|'),
        );
      expect(keys).toEqual([...new Set(keys)]);
    });

    it('opens and closes each call exactly once, with nothing but a transfer outcome after the close', () => {
      const { result } = replayed(name);
      for (const [callId, events] of eventsByCall(result.events)) {
        const types = events.map((event) => event.type);
        expect(types.filter((type) => OPENING.has(type)), callId).toHaveLength(1);
        expect(types[0] !== undefined && OPENING.has(types[0]), callId).toBe(true);
        expect(types.filter((type) => type === 'answered').length, callId).toBeLessThanOrEqual(1);
        const closes = types.flatMap((type, i) => (CLOSING.has(type) ? [i] : []));
        expect(closes, callId).toHaveLength(1);
        expect(types.slice((closes[0] ?? 0) + 1).filter((type) => !AFTER_CLOSE.has(type)), callId).toEqual([]);
      }
    });

    it('alternates held and resumed per side, starting with held', () => {
      const { result } = replayed(name);
      for (const [callId, events] of eventsByCall(result.events)) {
        for (const by of ['agent', 'remote'] as const) {
          const holds = events.flatMap((event) =>
            (event.type === 'held' || event.type === 'resumed') && event.by === by ? [event.type] : [],
          );
          expect(holds, `${callId} ${by}`).toEqual(holds.map((_, i) => (i % 2 === 0 ? 'held' : 'resumed')));
        }
      }
    });

    it('leaves no call live once the capture is over', () => {
      const { result } = replayed(name);
      expect(result.state.calls).toEqual([]);
    });

    it('names the remote party of ringing and outbound-dialing after the initial INVITE, never the agent', () => {
      const { capture, result } = replayed(name);
      const invites = new Map(initialInvites(capture).map((invite) => [invite.callId, invite]));
      const opening = result.events.filter((event) => event.type === 'ringing' || event.type === 'outbound-dialing');
      expect(opening).toHaveLength(invites.size);
      for (const event of opening) {
        const invite = invites.get(event.callId);
        expect(invite, event.callId).toBeDefined();
        if (!invite || (event.type !== 'ringing' && event.type !== 'outbound-dialing')) continue;
        // Inbound: the caller is in the INVITE's From; outbound: the callee is in its To.
        const party = nameAddrParts(event.type === 'ringing' ? invite.from : invite.to);
        expect(invite.frame.direction).toBe(event.type === 'ringing' ? 'received' : 'sent');
        expect(event.remote?.number).toBe(party.user);
        expect(event.remote?.displayName).toBe(party.displayName);
        // The lab's other parties; the agent's own user would mean the orientation got flipped.
        expect(event.remote?.number).toMatch(/^(caller|customer|colleague)/);
        expect(event.remote?.number).not.toBe('agent');
      }
    });
  });

  // ─── Per scenario ──────────────────────────────────────────────────────────────────────

  describe.each(EXPECTED_CAPTURES)('the events of %s', (name) => {
    const scenario = SCENARIOS[name.replace(/^(jssip|sipjs)-/, '')] as Scenario;

    it('are exactly the expected ones, on the expected frames, in order', () => {
      expect(observed(name)).toEqual(scenario.events);
    });

    it('follow the expected type sequence per Call-ID', () => {
      expect(typesPerCall(observed(name))).toEqual(typesPerCall(scenario.events));
    });
  });

  it.each(scenarioCases('register'))('lets %s through without an event or a trace in the state', (name) => {
    const { result } = replayed(name);
    expect(result.events).toEqual([]);
    expect(result.invalid).toBe(0);
    expect(result.state).toEqual(createTrackerState());
  });

  it.each(scenarioCases('inbound-hold-reinvite'))(
    'in %s, holds and resumes on the 2xx to the agent re-INVITEs, not on the re-INVITEs themselves',
    (name) => {
      const { result } = replayed(name);
      const holds = result.steps.filter((step) => step.events.some((e) => e.type === 'held' || e.type === 'resumed'));
      expect(holds.map((step) => frameLabel(step.frame))).toEqual(['< 200 INVITE', '< 200 INVITE']);
      // The hold offer went out as sendonly, the resume as sendrecv, on agent re-INVITEs.
      const reinvites = result.steps.filter((step) => frameLabel(step.frame) === '> INVITE');
      expect(reinvites.map((step) => /a=(sendonly|sendrecv|inactive|recvonly)/.exec(step.frame.payload)?.[1])).toEqual([
        'sendonly',
        'sendrecv',
      ]);
      expect(reinvites.flatMap((step) => step.events)).toEqual([]);
    },
  );

  it.each(scenarioCases('blind-transfer'))(
    'in %s, accepts the transfer on the 202 and completes it on the sipfrag 200, not on 100 or 180',
    (name) => {
      const { result } = replayed(name);
      const notifies = result.steps.filter((step) => frameLabel(step.frame).startsWith('< NOTIFY'));
      expect(notifies.map((step) => frameLabel(step.frame))).toEqual([
        '< NOTIFY sipfrag 100',
        '< NOTIFY sipfrag 180',
        '< NOTIFY sipfrag 200',
      ]);
      const sipfrags = notifies.map((step) => step.frame.payload.split('\r\n\r\n')[1]?.trim());
      expect(sipfrags).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
      expect(notifies.map((step) => step.events.map((event) => bodyOf(event)))).toEqual([
        [],
        [],
        [{ type: 'transfer-accepted', by: 'agent', completed: true }],
      ]);
      const accepted = result.events.filter((event) => event.type === 'transfer-accepted');
      expect(accepted.map((event) => event.type === 'transfer-accepted' && event.completed)).toEqual([false, true]);
      // The agent hangs up after the transfer completed (the phone's hangupAfterTransfer).
      const last = result.events.at(-1);
      expect(last && bodyOf(last)).toEqual({ type: 'ended', by: 'agent' });
      expect(last?.at).toBeGreaterThanOrEqual(accepted[1]?.at ?? Infinity);
    },
  );

  it.each(scenarioCases('blind-transfer'))("in %s, takes the transfer target from the REFER's Refer-To", (name) => {
    const { capture, result } = replayed(name);
    const refer = capture.frames.find((frame) => frame.payload.startsWith('REFER '));
    expect(refer?.payload).toMatch(/^Refer-To:\s*<?sip:colleague@127\.0\.0\.1>?\s*$/m);
    const started = result.events.filter((event) => event.type === 'transfer-started');
    expect(started).toEqual([expect.objectContaining({ by: 'agent', target: 'sip:colleague@127.0.0.1', at: refer?.at })]);
  });

  it.each(scenarioCases('call-waiting'))('in %s, keeps the two Call-IDs apart', (name) => {
    const { capture, result } = replayed(name);
    const invites = initialInvites(capture);
    expect(invites).toHaveLength(2);
    const [first, second] = invites.map((invite) => invite.callId) as [string, string];
    expect(first).not.toBe(second);
    const byCall = eventsByCall(result.events);
    expect([...byCall.keys()]).toEqual([first, second]);
    expect(byCall.get(first)?.map((event) => event.type)).toEqual(['ringing', 'answered', 'held', 'resumed', 'ended']);
    expect(byCall.get(second)?.map((event) => event.type)).toEqual(['ringing', 'answered', 'ended']);
    // The second call rings, is answered and ends while the first is on hold.
    const at = (callId: string, type: CallEventType) =>
      result.events.find((event) => event.callId === callId && event.type === type)?.at ?? NaN;
    expect(at(second, 'ringing')).toBeGreaterThan(at(first, 'answered'));
    expect(at(second, 'answered')).toBeGreaterThanOrEqual(at(first, 'held'));
    expect(at(second, 'ended')).toBeLessThanOrEqual(at(first, 'resumed'));
    expect(at(first, 'ended')).toBeGreaterThan(at(second, 'ended'));
    // Both closed, the second first.
    expect(result.state.ended.map((entry) => entry.callId)).toEqual([second, first]);
  });

  it.each(scenarioCases('caller-cancel'))(
    'in %s, decides on the 487 rather than the CANCEL, as caller-abandoned by the remote side',
    (name) => {
      const { result } = replayed(name);
      const cancel = result.steps.find((step) => frameLabel(step.frame) === '< CANCEL');
      expect(cancel?.events).toEqual([]);
      const missed = result.events.filter((event) => event.type === 'missed');
      expect(missed).toEqual([
        expect.objectContaining({ direction: 'inbound', by: 'remote', reason: 'caller-abandoned', status: 487 }),
      ]);
      expect(result.events.some((event) => event.type === 'answered' || event.type === 'ended')).toBe(false);
    },
  );

  it.each(scenarioCases('reject-486'))('in %s, reports the 486 sent as missed, rejected by the agent', (name) => {
    const { result } = replayed(name);
    expect(result.events.map((event) => event.type)).toEqual(['ringing', 'missed']);
    expect(result.events[1]).toEqual(
      expect.objectContaining({ direction: 'inbound', by: 'agent', reason: 'rejected', status: 486 }),
    );
  });

  it.each(scenarioCases('outbound-call'))(
    'in %s, dials on the INVITE sent and ignores the 100 and 180 received until the 200',
    (name) => {
      const { result } = replayed(name);
      const quiet = result.steps.filter((step) => ['< 100 INVITE', '< 180 INVITE'].includes(frameLabel(step.frame)));
      expect(quiet).toHaveLength(2);
      expect(quiet.flatMap((step) => step.events)).toEqual([]);
      expect(result.events[0]).toEqual(
        expect.objectContaining({ type: 'outbound-dialing', direction: 'outbound', at: 0, remote: { number: 'caller' } }),
      );
      expect(result.events.map((event) => event.type)).toEqual(['outbound-dialing', 'answered', 'ended']);
    },
  );
});
