/**
 * A parsed SIP message (RFC 3261 §7) as the sniffer sees it on a WebSocket (RFC 7118).
 *
 * Header names are stored lower-case and in their long form ("i" → "call-id"), each with
 * every value in order of appearance (a header line with commas stays one value: splitting
 * comma lists is the caller's business, because Via, Contact and Record-Route quote commas).
 */
export interface SipMessageBase {
  headers: ReadonlyMap<string, readonly string[]>;
  /** The body as text ('' when none); its length follows Content-Length, counted in UTF-8 octets. */
  body: string;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  /**
   * The method token as sent, e.g. "INVITE". Methods are case-sensitive (RFC 3261 §7.1): the
   * standard ones are upper-case, and "invite" is some other, unknown method.
   */
  method: string;
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  /** 100–699. */
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Which way a frame went on the agent's socket: sent by the agent's phone, or received by it. */
export type FrameDirection = 'sent' | 'received';
