/**
 * What the cloud adapters share to read a vendor frame's `postMessage` safely: the message is
 * another origin's input (checked, never thrown on), and its sender must be a frame of this
 * page served over HTTPS from the vendor's host names.
 */
export type Loose = Record<string, unknown>;

export const record = (v: unknown): Loose | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : undefined;

/** A short string (numbers as text), or undefined. */
export const shortText = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= 256 ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** Whether `origin` is HTTPS on a host `accepts` (the port is the vendor's as much as the host). */
export function httpsHost(origin: string, accepts: (host: string) => boolean): boolean {
  // Most messages on a page are not a vendor frame's: no URL parse for them.
  if (!origin.startsWith('https://')) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' && accepts(url.hostname);
  } catch {
    return false;
  }
}

/** The sender is a frame this page embeds (cross-origin `parent` is readable). */
export function fromChildFrame(event: MessageEvent, self: Window): boolean {
  try {
    return !!event.source && event.source !== self && (event.source as Window).parent === self;
  } catch {
    return false;
  }
}
