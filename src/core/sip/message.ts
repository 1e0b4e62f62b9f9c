/**
 * A parsed SIP message (RFC 3261 §7) as the sniffer sees it on a WebSocket (RFC 7118).
 *
 * Header names are stored lower-case and in their long form ("i" → "call-id"), each with
 * every value in order of appearance (a header line with commas stays one value: splitting
 * comma lists is the caller's business, because Via, Contact and Record-Route quote commas).
 */
export interface SipMessageBase {
  headers: ReadonlyMap<string, readonly string[]>;
  /** The body as text ('' when none); its length follows Content-Length. */
  body: string;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  /** Upper-case method token, e.g. "INVITE". */
  method: string;
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Which way a frame went on the agent's socket: sent by the agent's phone, or received by it. */
export type FrameDirection = 'sent' | 'received';
