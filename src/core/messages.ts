/**
 * The extension's own message protocol: one map per direction, each entry the payload and
 * the response. Handlers and senders both take their types from here; nothing is `any`.
 */
import type { CallEvent } from './call-event';
import type { Language, Nudge, NudgeResponse, RingStatus } from './coach/types';

export interface ContentToBackground {
  /** An adapter saw something happen on a call in this tab. */
  callEvent: { payload: { event: CallEvent }; response: void };
  /** A deadline this tab was asked to keep has come (see BackgroundToContent.wakeAt). */
  tick: { payload: Record<string, never>; response: void };
  nudgeResponse: { payload: { key: string; response: NudgeResponse; at: number }; response: void };
  /** A (re)loaded page asks what it should show now: open nudges, ring counters, deadline. */
  hello: {
    payload: Record<string, never>;
    response: { language: Language; nudges: Nudge[]; rings: RingStatus[]; wakeAt: number | null };
  };
}

export interface BackgroundToContent {
  showNudge: { payload: { nudge: Nudge }; response: { shown: boolean } };
  dismissNudge: { payload: { key: string }; response: void };
  ringStatus: { payload: { callKey: string; ring: RingStatus | null }; response: void };
  /**
   * Keep a timer for the coach's next deadline and send `tick` then. MV3 alarms cannot go
   * under 30 s in packed builds and the answer window is seconds, so the tab keeps the time.
   */
  wakeAt: { payload: { at: number | null }; response: void };
}

/** Any of the maps above: every entry a payload and a response. */
export type MessageMap<M> = { [K in keyof M]: { payload: unknown; response: unknown } };

/** The envelope on the wire: `{ type, payload }`, typed by the map it belongs to. */
export type Envelope<M extends MessageMap<M>, K extends keyof M = keyof M> = K extends keyof M
  ? { type: K; payload: M[K]['payload'] }
  : never;

export type Handlers<M extends MessageMap<M>, Ctx> = {
  [K in keyof M]: (payload: M[K]['payload'], ctx: Ctx) => M[K]['response'] | Promise<M[K]['response']>;
};

/** Structural check of an envelope's outer shape; payloads are checked by their handlers' readers. */
export function isEnvelope<M extends MessageMap<M>>(raw: unknown, handlers: Record<keyof M, unknown>): raw is Envelope<M> {
  if (typeof raw !== 'object' || raw === null) return false;
  const { type, payload } = raw as { type?: unknown; payload?: unknown };
  return typeof type === 'string' && Object.hasOwn(handlers, type) && typeof payload === 'object' && payload !== null;
}
