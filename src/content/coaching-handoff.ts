/**
 * What the content script's starter (content-script.ts, document_start) hands the coaching part
 * (content-coaching.ts, injected by the background on the first evidence of a call): the page's
 * lifetime, the line to the background, what the page hook and vendor frames said so far (kept
 * in order, then passed on live), and the page's hello. Types and one key only: no code here.
 */
import type { BackgroundLink } from './background-link';
import type { PageSignal } from '../core/page-signal';
import type { BackgroundToContent, ContentToBackground, Handlers } from '../core/messages';
import type { Language } from '../core/coach/types';
import type { SoftphoneSite } from '../core/coach/config';

/** Where content-coaching.ts leaves its entry in this frame's isolated world (the page never sees it). */
export const CONTENT_COACHING_KEY = '__secondRingContentCoaching';

/** A vendor frame's message as the starter received it, and when. */
export interface KeptWindowMessage {
  event: MessageEvent;
  at: number;
}

export type HelloState = NonNullable<ContentToBackground['hello']['response']>;

export interface CoachingHandoff {
  version: string;
  /** Aborted when the extension goes away (update, reload): everything lets go of the page. */
  signal: AbortSignal;
  /** The starter's line: the coaching part's messages queue behind the page's hello. */
  link: BackgroundLink;
  /** Kept page signals in order, then each new one: once only. */
  attachPage(listener: (signal: PageSignal) => void): void;
  /** Messages from cloud vendors' origins, kept in order, then each new one: once only. */
  attachWindowMessages(listener: (message: KeptWindowMessage) => void): void;
  /** The background's answer to this page's hello (undefined when it could not be had). */
  hello: Promise<HelloState | undefined>;
  /**
   * The latest of the hello's and of the background's messages since: the language and site in
   * force, and the coach's next deadline (kept by the tabs with a call; the starter only notes it).
   */
  latest(): { language?: Language; site?: SoftphoneSite | null; wakeAt: number | null };
  /** Injected into a page that was already open (install, update, a site added). */
  openPage: boolean;
}

/** What the coaching part's entry leaves for the starter. */
export interface ContentCoaching {
  /** The extension version it came with: one left by another version is not used. */
  version: string;
  /** Starts coaching this frame; returns the handlers of the background's messages to the tab. */
  start(handoff: CoachingHandoff): Handlers<BackgroundToContent, true>;
}
