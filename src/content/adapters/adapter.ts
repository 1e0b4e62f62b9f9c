/**
 * The contract every softphone adapter implements: one file per signal source, started with an
 * AbortSignal that tears everything down (page navigation, extension update).
 */
import type { CallEvent } from '../../core/call-event';
import type { PageSignalSource } from '../page-bridge';

export interface AdapterContext {
  signal: AbortSignal;
  emit(event: CallEvent): void;
  /** Raw signals from the page hook (WebSocket frames, …). */
  page: PageSignalSource;
}

export interface SoftphoneAdapter {
  /** Stable id, also the `source` of the events it emits. */
  id: string;
  /** Whether this adapter should run on this page. */
  matches(location: Location): boolean;
  start(context: AdapterContext): void;
}
