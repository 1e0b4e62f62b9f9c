import { describe, expect, it } from 'vitest';
import { ADAPTERS, startAdapters } from '../../../src/content/adapters';
import { SITE_CHOICES, SITE_PRESETS } from '../../../src/content/adapters/site-options';
import { createCallMerger } from '../../../src/content/adapters/merge';
import type { SoftphoneAdapter } from '../../../src/content/adapters/adapter';
import { SIP_OBSERVABILITY, type CallEvent, type Observability } from '../../../src/core/call-event';
import type { PageSignalSource } from '../../../src/content/page-bridge';
import type { WindowMessageSource } from '../../../src/content/adapters/adapter';

const page: PageSignalSource = { subscribe: () => undefined, rejected: 0 };
const windowMessages: WindowMessageSource = { subscribe: () => undefined };
const none: Observability = { holdIntent: false, hold: false, transferIntent: false, transferOutcome: false, hangupIntent: false, endedBy: false };
const clicks: Observability = { ...none, holdIntent: true, hold: true, transferIntent: true, hangupIntent: true };

function fake(id: string, authority: SoftphoneAdapter['authority'], observes: Observability, over: Partial<SoftphoneAdapter> = {}): SoftphoneAdapter {
  return { id, label: id, world: 'dom', authority, observes, frames: 'all', matches: () => true, start: () => undefined, ...over };
}
const wire = fake('wire', 'wire', SIP_OBSERVABILITY);
const dom = fake('dom', 'inference', clicks);

describe('the adapter registry', () => {
  it('lists each adapter once, with what it can observe', () => {
    const ids = ADAPTERS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['amazon-connect', 'aircall', 'sip-websocket', 'selectors', 'practice']));
    for (const adapter of ADAPTERS) expect(Object.keys(adapter.observes).sort()).toEqual(Object.keys(SIP_OBSERVABILITY).sort());
  });

  it('derives the options page’s adapter choices and the vendors’ site presets', () => {
    expect(SITE_CHOICES.map((c) => c.value)).toEqual(['sip-websocket', 'selectors']);
    expect(SITE_PRESETS).toEqual([
      { id: 'amazon-connect', label: 'Amazon Connect', origins: ['https://*.my.connect.aws/*', 'https://*.awsapps.com/*'] },
      { id: 'aircall', label: 'Aircall', origins: ['https://workspace.aircall.io/*'] },
    ]);
  });

  it('starts what matches the frame at once, and what needs the site only under its site setting', () => {
    const started: string[] = [];
    const record = (id: string) => () => void started.push(id);
    const adapters = [
      fake('everywhere', 'wire', none, { start: record('everywhere') }),
      fake('top-only', 'wire', none, { frames: 'top', start: record('top-only') }),
      fake('elsewhere', 'wire', none, { matches: () => false, start: record('elsewhere') }),
      fake('by-site', 'inference', none, { siteChoice: 'selectors', needsSite: true, start: record('by-site') }),
    ];
    const controller = new AbortController();
    const run = startAdapters({ signal: controller.signal, page, windowMessages, emit: () => undefined, location: {} as Location, isTop: false }, adapters);
    expect(started).toEqual(['everywhere']);
    run.applySite({ pattern: 'https://x/*', adapter: 'sip-websocket' });
    expect(started).toEqual(['everywhere']);
    run.applySite({ pattern: 'https://x/*', adapter: 'selectors', selectors: { ringing: '.r' } });
    expect(started).toEqual(['everywhere', 'by-site']);
    controller.abort();
  });
});

describe('merging two adapters’ reports of one call', () => {
  const at = 1_000;
  function merged(events: CallEvent[]): CallEvent[] {
    const out: CallEvent[] = [];
    const merge = createCallMerger([wire, dom], (e) => out.push(e));
    for (const e of events) merge(e);
    return out;
  }

  it('passes a single source’s events through unchanged', () => {
    const events: CallEvent[] = [
      { callId: 's1', at, source: 'wire', type: 'ringing', direction: 'inbound' },
      { callId: 's1', at, source: 'wire', type: 'answered', direction: 'inbound' },
      { callId: 's1', at, source: 'wire', type: 'held', by: 'agent' },
      { callId: 's1', at, source: 'wire', type: 'ended', by: 'remote' },
      { callId: 's1', at, source: 'wire', type: 'transfer-accepted', by: 'agent', completed: true },
    ];
    expect(merged(events)).toEqual(events);
  });

  it('reports one call: lifecycle once, hold from the wire, the intent only the page shows, under the first id', () => {
    const out = merged([
      { callId: 's1', at, source: 'wire', type: 'ringing', direction: 'inbound' },
      { callId: 'd1', at: at + 40, source: 'dom', type: 'ringing', direction: 'inbound' },
      { callId: 'd1', at: at + 900, source: 'dom', type: 'answered', direction: 'inbound' },
      { callId: 's1', at: at + 950, source: 'wire', type: 'answered', direction: 'inbound' },
      { callId: 'd1', at: at + 2_000, source: 'dom', type: 'hold-requested' },
      { callId: 'd1', at: at + 2_000, source: 'dom', type: 'held', by: 'agent' },
      { callId: 's1', at: at + 2_050, source: 'wire', type: 'held', by: 'agent' },
      { callId: 's1', at: at + 5_000, source: 'wire', type: 'ended', by: 'remote' },
      { callId: 'd1', at: at + 5_000, source: 'dom', type: 'ended', by: 'agent' },
    ]);
    expect(out.map((e) => `${e.source}:${e.callId}:${e.type}`)).toEqual([
      'wire:s1:ringing',
      'dom:s1:answered',
      'dom:s1:hold-requested',
      'wire:s1:held',
      'wire:s1:ended',
    ]);
  });

  it('keeps calls apart that start far apart, or that one source already reports as two', () => {
    const out = merged([
      { callId: 's1', at, source: 'wire', type: 'ringing', direction: 'inbound' },
      { callId: 'd1', at: at + 10_000, source: 'dom', type: 'ringing', direction: 'inbound' },
      { callId: 's2', at: at + 100, source: 'wire', type: 'ringing', direction: 'inbound' },
    ]);
    expect(out.map((e) => e.callId)).toEqual(['s1', 'd1', 's2']);
  });
});
