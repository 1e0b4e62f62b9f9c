/**
 * Numbers, shares, durations and times as the agent reads them, in the page language; times in
 * the team's zone (the business hours' `timeZone`), the one the figures and due times use.
 */
import type { Language } from '../../core/coach/types';

const locale = (language: Language): string => (language === 'lv' ? 'lv-LV' : 'en-GB');

/** "80%" / "80 %"; "—" when there is nothing to divide. */
export function formatShare(share: number | null, language: Language): string {
  if (share === null || !Number.isFinite(share)) return '—';
  return new Intl.NumberFormat(locale(language), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** "2.1" / "2,1"; "—" for none. */
export function formatNumber(value: number | null, language: Language, digits = 1): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(locale(language), { maximumFractionDigits: digits }).format(value);
}

/** "0:45", "12:05", "1:02:03"; "—" for none. */
export function formatSeconds(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "Fri 17:00" in the team's zone. */
export function formatDayTime(at: number, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(language), { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "17:00" in the team's zone. */
export function formatTime(at: number, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(language), { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/** "26.11." / "26/11" for a local date "YYYY-MM-DD" (no zone arithmetic: the date is already local). */
export function formatShortDate(date: string, language: Language): string {
  const [, month, day] = date.split('-');
  return language === 'lv' ? `${Number(day)}.${Number(month)}.` : `${Number(day)}/${Number(month)}`;
}

/** A `datetime-local` input's value for an instant, in the browser's own zone (the input's). */
export function toLocalInput(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  const at = new Date(value).getTime();
  return Number.isFinite(at) ? at : null;
}
