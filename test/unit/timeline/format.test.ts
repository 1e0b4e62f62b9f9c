import { describe, expect, it } from 'vitest';
import {
  TIMELINE_FORMAT,
  formatIsoTime,
  formatPath,
  parseIsoTime,
  parseTimeline,
  toCallEvent,
  type Timeline,
} from '../../../src/core/timeline';

const call = (events: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'c1', events, ...extra });
const file = (calls: unknown[], extra: Record<string, unknown> = {}) => ({ format: TIMELINE_FORMAT, version: 1, calls, ...extra });
const ringing = (at: string) => ({ at, type: 'ringing', direction: 'inbound' });

const errorsOf = (input: unknown) => {
  const result = parseTimeline(input);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};

describe('timeline times', () => {
  it('reads ISO 8601 times with Z or an offset, to the millisecond', () => {
    expect(parseIsoTime('2025-03-04T09:00:00Z')).toBe(Date.UTC(2025, 2, 4, 9));
    expect(parseIsoTime('2025-03-04T09:00:00.5Z')).toBe(Date.UTC(2025, 2, 4, 9, 0, 0, 500));
    expect(parseIsoTime('2025-03-04T11:00:00.250+02:00')).toBe(Date.UTC(2025, 2, 4, 9, 0, 0, 250));
    expect(parseIsoTime('2025-03-04T04:30:00-04:30')).toBe(Date.UTC(2025, 2, 4, 9));
    expect(parseIsoTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it('refuses times without an offset, impossible dates and finer than milliseconds', () => {
    for (const bad of [
      '2025-03-04T09:00:00', // local time: depends on the machine
      '2025-03-04 09:00:00Z',
      '2025-02-29T00:00:00Z',
      '2025-04-31T00:00:00Z',
      '2025-03-04T24:00:00Z',
      '2025-03-04T09:60:00Z',
      '2025-03-04T09:00:60Z', // no leap seconds
      '2025-03-04T09:00:00.1234Z',
      '2025-03-04T09:00:00+24:00',
      '1969-12-31T23:59:59Z',
      '1741078800000',
      '',
    ]) {
      expect(parseIsoTime(bad), bad).toBeUndefined();
    }
  });

  it('writes UTC with milliseconds, and reads back what it wrote', () => {
    const ms = Date.UTC(2025, 2, 4, 9, 0, 1, 7);
    expect(formatIsoTime(ms)).toBe('2025-03-04T09:00:01.007Z');
    expect(parseIsoTime(formatIsoTime(ms))).toBe(ms);
  });
});

describe('parseTimeline', () => {
  it('accepts a minimal file and every event type with its fields', () => {
    const input = file([
      call([
        { at: '2025-03-04T09:00:00.000Z', type: 'ringing', direction: 'inbound', remote: { displayName: 'Anna', number: '+371' } },
        { at: '2025-03-04T09:00:05.000Z', type: 'answered', direction: 'inbound' },
        { at: '2025-03-04T09:00:10.000Z', type: 'hold-requested' },
        { at: '2025-03-04T09:00:11.000Z', type: 'held', by: 'agent' },
        { at: '2025-03-04T09:00:12.000Z', type: 'resumed', by: 'agent' },
        { at: '2025-03-04T09:00:13.000Z', type: 'muted' },
        { at: '2025-03-04T09:00:14.000Z', type: 'unmuted' },
        { at: '2025-03-04T09:00:15.000Z', type: 'transfer-requested' },
        { at: '2025-03-04T09:00:16.000Z', type: 'transfer-started', by: 'agent', target: 'sip:x@y' },
        { at: '2025-03-04T09:00:17.000Z', type: 'transfer-failed', by: 'agent', status: 486 },
        { at: '2025-03-04T09:00:18.000Z', type: 'transfer-accepted', by: 'agent', completed: true },
        { at: '2025-03-04T09:00:19.000Z', type: 'hangup-requested' },
        { at: '2025-03-04T09:00:20.000Z', type: 'ended', by: 'agent', reason: 'bye' },
      ]),
      { id: 'c2', tabId: 7, source: 'sip-websocket', events: [
        { at: '2025-03-04T09:01:00.000Z', type: 'outbound-dialing', direction: 'outbound' },
        { at: '2025-03-04T09:01:04.000Z', type: 'missed', direction: 'outbound', by: 'remote', reason: 'failed', status: 503 },
      ] },
    ], { timeZone: 'Europe/Riga', description: 'all of them', tabsClosed: [{ tabId: 7, at: '2025-03-04T09:02:00Z' }] });
    const result = parseTimeline(input);
    expect(result).toEqual({ ok: true, timeline: input });
  });

  it('turns a timeline event into the CallEvent the coach gets', () => {
    const result = parseTimeline(file([{ id: 'c9', source: 'sip-websocket', events: [ringing('2025-03-04T09:00:00.000Z')] }]));
    if (!result.ok) throw new Error('valid');
    const c = result.timeline.calls[0]!;
    expect(toCallEvent(c, c.events[0]!)).toEqual({
      callId: 'c9',
      source: 'sip-websocket',
      at: Date.UTC(2025, 2, 4, 9),
      type: 'ringing',
      direction: 'inbound',
    });
    expect(toCallEvent({ id: 'c9' }, c.events[0]!).source).toBe('timeline');
  });

  it('refuses a bad file with every error and its exact path', () => {
    const input = file(
      [
        call([
          ringing('2025-03-04T09:00:00.000Z'),
          { at: '2025-03-04T09:00:06.000Z', type: 'rang' },
          { at: '2025-03-04T09:00:20.000Z', type: 'held' },
          { at: '2025-03-04T09:00:30', type: 'resumed', by: 'agent' },
          { at: '2025-03-04T09:00:40.000Z', type: 'ended', by: 'caller', cause: 'bye' },
          { at: '2025-03-04T09:00:41.000Z', type: 'missed', direction: 'inbound', by: 'remote', reason: 'gone' },
          { at: '2025-03-04T09:00:42.000Z', type: 'transfer-failed', by: 'agent', status: 48.6 },
          { type: 'muted' },
          7,
        ]),
        { id: 'c1', tabID: 2, events: [
          { at: '2025-03-04T09:01:00.000Z', type: 'held', by: 'remote' },
          { at: '2025-03-04T09:01:10.000Z', type: 'resumed', by: 'remote' },
          { at: '2025-03-04T09:01:05.000Z', type: 'ended', by: 'remote' },
        ] },
        { id: '', events: [] },
        'c4',
      ],
      { timeZone: 'Mars/Olympus', extra: true },
    );
    expect(errorsOf(input)).toEqual([
      { path: 'timeZone', message: 'unknown time zone "Mars/Olympus"' },
      { path: 'extra', message: 'unknown key' },
      {
        path: 'calls[0].events[1].type',
        message:
          'expected one of "ringing", "outbound-dialing", "answered", "hold-requested", "held", "resumed", "transfer-requested", "transfer-started", "transfer-accepted", "transfer-failed", "hangup-requested", "ended", "missed", "muted", "unmuted", "evidence"; got "rang"',
      },
      { path: 'calls[0].events[2].by', message: 'required' },
      {
        path: 'calls[0].events[3].at',
        message: 'expected an ISO 8601 time with a UTC offset and at most milliseconds, e.g. "2025-03-04T09:00:00.000Z"; got "2025-03-04T09:00:30"',
      },
      { path: 'calls[0].events[4].by', message: 'expected one of "agent", "remote"; got "caller"' },
      { path: 'calls[0].events[4].cause', message: 'unknown key' },
      {
        path: 'calls[0].events[5].reason',
        message: 'expected one of "caller-abandoned", "no-answer", "rejected", "answered-elsewhere", "cancelled", "failed"; got "gone"',
      },
      { path: 'calls[0].events[6].status', message: 'expected a SIP status code (100 to 699); got 48.6' },
      { path: 'calls[0].events[7].at', message: 'required' },
      { path: 'calls[0].events[8]', message: 'expected an object; got 7' },
      { path: 'calls[1].tabID', message: 'unknown key' },
      { path: 'calls[1].id', message: 'duplicate call id "c1" (also calls[0].id)' },
      {
        path: 'calls[1].events[0].type',
        message: 'a call starts with "ringing", "outbound-dialing", "answered"; got "held" (the coach ignores a call that starts otherwise)',
      },
      { path: 'calls[1].events[2].at', message: "5.000 s before events[1]: a call's events must be in time order" },
      { path: 'calls[2].id', message: 'expected a non-empty call id' },
      { path: 'calls[2].events', message: 'a call needs at least one event' },
      { path: 'calls[3]', message: 'expected an object; got "c4"' },
    ]);
  });

  it('says what is wrong at the top level', () => {
    expect(errorsOf(42)).toEqual([{ path: '', message: 'expected an object; got 42' }]);
    expect(errorsOf([])).toEqual([{ path: '', message: 'expected an object; got an array' }]);
    expect(errorsOf({})).toEqual([
      { path: 'format', message: 'required' },
      { path: 'version', message: 'required' },
      { path: 'calls', message: 'required' },
    ]);
    expect(errorsOf({ format: 'other', version: 1, calls: {} })).toEqual([
      { path: 'format', message: 'expected "second-ring/call-timeline"; got "other"' },
      { path: 'calls', message: 'expected an array; got an object' },
    ]);
  });

  it('takes evidence and what a source observes within version 1, and refuses malformed ones', () => {
    const observes = { holdIntent: true, hold: true, transferIntent: true, transferOutcome: false, hangupIntent: true, endedBy: false };
    const at = (seconds: number) => `2025-03-04T09:00:0${seconds}.000Z`;
    const oneCall = (events: unknown[]) => file([call(events)]);
    const good = oneCall([
      { at: at(0), type: 'ringing', direction: 'inbound', observes },
      { at: at(2), type: 'answered', direction: 'inbound' },
      { at: at(3), type: 'evidence', act: 'greeting-part', how: 'said', item: 'offer' },
      { at: at(4), type: 'evidence', act: 'caller-name', how: 'noted', name: 'Anna' },
      { at: at(5), type: 'evidence', act: 'closing-item', how: 'ticked', item: 'recap', undone: true },
    ]);
    const parsed = parseTimeline(good);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(toCallEvent(parsed.timeline.calls[0]!, parsed.timeline.calls[0]!.events[0]!)).toMatchObject({ observes });
    expect(errorsOf(oneCall([
      { at: at(0), type: 'ringing', direction: 'inbound', observes: { hold: true } },
      { at: at(3), type: 'evidence', act: 'guessed', how: 'said' },
      { at: at(4), type: 'evidence', act: 'caller-name' },
    ]))).toEqual([
      { path: 'calls[0].events[0].observes.holdIntent', message: 'required' },
      { path: 'calls[0].events[0].observes.transferIntent', message: 'required' },
      { path: 'calls[0].events[0].observes.transferOutcome', message: 'required' },
      { path: 'calls[0].events[0].observes.hangupIntent', message: 'required' },
      { path: 'calls[0].events[0].observes.endedBy', message: 'required' },
      { path: 'calls[0].events[1].act', message: 'expected one of "greeting-part", "caller-name", "hold-permission", "transfer-permission", "closing-item"; got "guessed"' },
      { path: 'calls[0].events[2].how', message: 'required' },
    ]);
  });

  it('reports only the version for a file of another version', () => {
    expect(errorsOf({ format: TIMELINE_FORMAT, version: 2, calls: 'whatever', more: 1 })).toEqual([
      { path: 'version', message: 'unsupported version 2: expected 1' },
    ]);
  });

  it('accepts events at the same time, in the order given', () => {
    const same = '2025-03-04T09:00:00.000Z';
    const result = parseTimeline(file([call([ringing(same), { at: same, type: 'missed', direction: 'inbound', by: 'agent', reason: 'rejected' }])]));
    expect(result.ok).toBe(true);
  });

  it('quotes keys that are not plain names in paths', () => {
    expect(formatPath(['calls', 0, 'events', 2, 'type'])).toBe('calls[0].events[2].type');
    expect(formatPath(['texts', 'a key', 3])).toBe('texts["a key"][3]');
    expect(formatPath([])).toBe('');
  });

  it('has types that follow the schema', () => {
    const t: Timeline = { format: TIMELINE_FORMAT, version: 1, calls: [{ id: 'x', events: [{ at: 'later checked', type: 'muted' }] }] };
    expect(t.calls).toHaveLength(1);
  });
});
