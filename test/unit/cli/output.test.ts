import { describe, expect, it } from 'vitest';
import { render } from '../../../src/cli/output';
import type { ReplayNudge, ReplayResult } from '../../../src/core/timeline';

const nudge = (over: Partial<ReplayNudge>): ReplayNudge =>
  ({ callId: 'c1', ruleId: 'closing', atMs: 1_000, severity: 'nudge', kind: 'checklist', occurrence: 1, text: 'Closing the call — tick what you did:', ...over }) as ReplayNudge;

const result = (nudges: ReplayNudge[], calls: number): ReplayResult => {
  const summary: Record<string, number> = {};
  for (const n of nudges) summary[n.ruleId] = (summary[n.ruleId] ?? 0) + 1;
  return { nudges, quiet: [], summary, disabled: [], calls, events: 1 } as ReplayResult;
};

const table = (r: ReplayResult, language?: 'en' | 'lv') => render(r, { format: 'table', explain: false, ...(language ? { language } : {}) });

describe('the replay table', () => {
  it('prints the greeting parts as the one sentence they make, other checklists with "; "', () => {
    const greeting = nudge({
      ruleId: 'greeting',
      text: 'Greet the caller:',
      items: [
        { id: 'greeting', text: 'Hello,' },
        { id: 'ownName', text: 'this is (your name)' },
        { id: 'organization', text: 'with (your organization).' },
        { id: 'offer', text: 'How can I help you today?' },
      ],
    });
    const closing = nudge({ items: [{ id: 'recap', text: 'Recap' }, { id: 'thank', text: 'Thank the caller' }] });
    const [, first, second] = table(result([greeting, closing], 1));
    expect(first).toMatch(/Greet the caller: Hello, this is \(your name\) with \(your organization\)\. How can I help you today\?$/);
    expect(first).not.toMatch(/[,.?];/);
    expect(second).toMatch(/Closing the call — tick what you did: Recap; Thank the caller$/);
  });

  it('speaks the configuration’s language in the summary line, with Latvian number agreement', () => {
    const nudges = (n: number) => Array.from({ length: n }, (_, i) => nudge({ callId: `c${i}`, ruleId: 'hold-permission', kind: 'question' }));
    expect(table(result(nudges(2), 1)).at(-1)).toBe('summary: 2 nudges in 1 call — hold-permission 2');
    expect(table(result(nudges(1), 1), 'lv').at(-1)).toBe('kopsavilkums: 1 padoms 1 zvanā — hold-permission 1');
    expect(table(result(nudges(8), 3), 'lv').at(-1)).toBe('kopsavilkums: 8 padomi 3 zvanos — hold-permission 8');
    expect(table(result(nudges(11), 21), 'lv').at(-1)).toBe('kopsavilkums: 11 padomi 21 zvanā — hold-permission 11');
    expect(table(result([], 2), 'lv').at(-1)).toBe('kopsavilkums: 2 zvanos nav padomu');
    expect(table(result([], 2)).at(-1)).toBe('summary: no nudges in 2 calls');
  });
});
