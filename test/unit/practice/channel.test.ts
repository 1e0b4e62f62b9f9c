// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { PRACTICE_EVENT, readPracticeSignal, type PracticePhoneSignal } from '../../../src/core/practice/channel';
import { practiceAdapter, practiceCallEvents } from '../../../src/content/adapters/practice';
import type { CallEvent } from '../../../src/core/call-event';
import type { PageSignalSource } from '../../../src/content/page-bridge';

const base = { callId: 'practice-1', at: 1_000 };
const noPage: PageSignalSource = { subscribe: () => undefined, rejected: 0 };

describe('the practice phone’s channel', () => {
  it('accepts every well-formed signal and refuses the rest', () => {
    expect(readPracticeSignal({ ...base, kind: 'incoming', caller: { name: 'Anna', number: '+371' } })).toBeDefined();
    expect(readPracticeSignal({ ...base, kind: 'transfer-started', target: 'Jānis Ozols (billing)' })).toBeDefined();
    expect(readPracticeSignal({ ...base, kind: 'hung-up', by: 'caller' })).toBeDefined();
    for (const bad of [
      null,
      'incoming',
      { ...base, kind: 'rang' },
      { ...base, kind: 'answered', callId: '' },
      { ...base, kind: 'answered', at: Number.NaN },
      { ...base, kind: 'incoming' },
      { ...base, kind: 'incoming', caller: { name: 'x'.repeat(201), number: '1' } },
      { ...base, kind: 'transfer-started' },
      { ...base, kind: 'hung-up', by: 'nobody' },
    ]) {
      expect(readPracticeSignal(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('maps each signal to the call event a softphone adapter would report', () => {
    const events = (s: PracticePhoneSignal) => practiceCallEvents(s).map((e) => e.type);
    expect(practiceCallEvents({ ...base, kind: 'incoming', caller: { name: 'Anna Bērziņa', number: '+371 2000 0000' } })).toEqual([
      { ...base, source: 'practice', type: 'ringing', direction: 'inbound', remote: { displayName: 'Anna Bērziņa', number: '+371 2000 0000' } },
    ]);
    expect(events({ ...base, kind: 'before-hold' })).toEqual(['hold-requested']);
    expect(events({ ...base, kind: 'before-transfer' })).toEqual(['transfer-requested']);
    expect(events({ ...base, kind: 'before-hangup' })).toEqual(['hangup-requested']);
    expect(practiceCallEvents({ ...base, kind: 'transfer-succeeded' })).toEqual([
      { ...base, source: 'practice', type: 'transfer-accepted', by: 'agent', completed: true },
    ]);
    expect(practiceCallEvents({ ...base, kind: 'hung-up', by: 'caller' })).toEqual([{ ...base, source: 'practice', type: 'ended', by: 'remote' }]);
    expect(practiceCallEvents({ ...base, kind: 'abandoned' })).toEqual([
      { ...base, source: 'practice', type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned' },
    ]);
  });
});

describe('the practice adapter', () => {
  const at = (href: string) => new URL(href) as unknown as Location;

  it('runs on the extension’s practice page only', () => {
    expect(practiceAdapter.matches(at('chrome-extension://abcdef/src/ui/practice/index.html'))).toBe(true);
    expect(practiceAdapter.matches(at('chrome-extension://abcdef/src/ui/practice/index.html?scenario=hold'))).toBe(true);
    expect(practiceAdapter.matches(at('chrome-extension://abcdef/src/ui/options/index.html'))).toBe(false);
    expect(practiceAdapter.matches(at('https://phone.example.com/src/ui/practice/index.html'))).toBe(false);
  });

  it('reports the phone’s events in order, ignores malformed ones, and stops when aborted', () => {
    const emitted: CallEvent[] = [];
    const controller = new AbortController();
    practiceAdapter.start({ signal: controller.signal, page: noPage, emit: (e) => emitted.push(e) });
    const send = (detail: unknown) => window.dispatchEvent(new CustomEvent(PRACTICE_EVENT, { detail }));
    send({ ...base, kind: 'incoming', caller: { name: 'Anna', number: '1' } });
    send({ ...base, kind: 'answered' });
    send({ ...base, kind: 'nonsense' });
    send({ ...base, kind: 'before-hold' });
    send({ ...base, kind: 'held' });
    window.dispatchEvent(new CustomEvent('something-else', { detail: { ...base, kind: 'resumed' } }));
    controller.abort();
    send({ ...base, kind: 'resumed' });
    expect(emitted.map((e) => e.type)).toEqual(['ringing', 'answered', 'hold-requested', 'held']);
  });
});
