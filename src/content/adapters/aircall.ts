/**
 * Aircall: the Aircall Everywhere workspace frame posts `{name: 'apm_phone_<event>', value}` to
 * the page that embeds it; the aircall-everywhere SDK hands these to the one handler per event
 * that `.on()` keeps. We never register through `.on()` (it would replace the page's handler):
 * a passive `message` listener reads the same messages, and checks itself that they come from
 * the workspace's origin and from a frame of this page, which the SDK does not.
 *
 * The events fold into the calls' state, diffed by core/call-snapshot-diff.ts like every
 * snapshot source. What they show: ringing (`incoming_call`, `outgoing_call`), answered
 * (`call_end_ringtone` answered, `outgoing_answered`), missed (`call_end_ringtone`
 * disconnected or refused) and ended (`call_ended`). Not hold, not transfer, not who hung up.
 */
import type { SoftphoneAdapter } from './adapter';
import type { Observability } from '../../core/call-event';
import { diffCallSnapshots, type SnapshotCall } from '../../core/call-snapshot-diff';
import { fromChildFrame, httpsHost, record as obj, shortText as text } from './vendor-frame';

export const AIRCALL_ID = 'aircall';

export const AIRCALL_OBSERVES: Observability = {
  holdIntent: false,
  hold: false,
  transferIntent: false,
  transferOutcome: false,
  hangupIntent: false,
  endedBy: false,
};

export const isAircallOrigin = (origin: string): boolean => httpsHost(origin, (host) => host === 'workspace.aircall.io');

/** Folds the workspace's events into the calls they describe. */
export interface AircallCalls {
  calls: SnapshotCall[];
  serial: number;
}

export const noAircallCalls = (): AircallCalls => ({ calls: [], serial: 0 });

/**
 * The calls after one workspace message; undefined when the message is not a call event.
 * Events name their call by `call_id` where the workspace gives one; otherwise they are about
 * the latest call still open.
 */
export function applyAircallEvent(before: AircallCalls, data: unknown): AircallCalls | undefined {
  const message = obj(data);
  const name = typeof message?.name === 'string' ? message.name : '';
  if (!name.startsWith('apm_phone_')) return undefined;
  const value = obj(message?.value) ?? {};
  const event = name.slice('apm_phone_'.length);
  const given = text(value.call_id);
  const open = [...before.calls].reverse().find((c) => c.state === 'ringing' || c.state === 'connected');
  const target = (given && before.calls.find((c) => c.id === given)) || (given ? undefined : open);
  // Finished calls are dropped once reported: keep only the open ones.
  const calls = before.calls.filter((c) => c.state === 'ringing' || c.state === 'connected');
  const update = (next: Partial<SnapshotCall>): AircallCalls | undefined =>
    target ? { ...before, calls: calls.map((c) => (c.id === target.id ? { ...c, ...next } : c)) } : undefined;

  switch (event) {
    case 'incoming_call':
    case 'outgoing_call': {
      const serial = before.serial + 1;
      const number = text(event === 'incoming_call' ? value.from : value.to);
      const call: SnapshotCall = {
        id: given ?? `aircall-${serial}`,
        direction: event === 'incoming_call' ? 'inbound' : 'outbound',
        state: 'ringing',
        ...(number ? { remote: { number } } : {}),
      };
      return { serial, calls: [...calls.filter((c) => c.id !== call.id), call] };
    }
    case 'call_end_ringtone': {
      if (target?.state !== 'ringing') return undefined;
      const status = text(value.answer_status);
      if (status === 'answered') return update({ state: 'connected' });
      return update({ state: status === 'refused' ? 'rejected' : 'ended' });
    }
    case 'outgoing_answered':
      return target?.state === 'ringing' ? update({ state: 'connected' }) : undefined;
    case 'call_ended':
      return target ? update({ state: target.state === 'connected' ? 'ended' : 'missed' }) : undefined;
    default:
      return undefined;
  }
}

/** A message from the Aircall workspace frame embedded in this page (not from the page itself). */
export const fromWorkspace = (event: MessageEvent, self: Window): boolean => isAircallOrigin(event.origin) && fromChildFrame(event, self);

export const aircallAdapter: SoftphoneAdapter = {
  id: AIRCALL_ID,
  label: 'Aircall',
  world: 'window-message',
  authority: 'platform-api',
  observes: AIRCALL_OBSERVES,
  frames: 'all',
  preset: { origins: ['https://workspace.aircall.io/*'] },
  // Any page may embed the workspace; the listener stays silent until it posts.
  matches: () => true,
  start({ signal, emit, windowMessages }) {
    let state = noAircallCalls();
    windowMessages.subscribe(
      ({ event, at }) => {
        if (!fromWorkspace(event, window)) return;
        const next = applyAircallEvent(state, event.data);
        if (!next) return;
        const events = diffCallSnapshots(state.calls, next.calls, { at, source: AIRCALL_ID, observes: AIRCALL_OBSERVES });
        state = next;
        for (const callEvent of events) emit(callEvent);
      },
      signal,
    );
  },
};

/*
 * Test pages: test/fixtures/cloud/aircall-embed.html (aircall-everywhere 2.0.6, the real
 * library) and test/fixtures/cloud/aircall-workspace-stand-in.html (a stand-in for the
 * workspace), test/e2e/cloud-softphones.e2e.test.ts.
 */
