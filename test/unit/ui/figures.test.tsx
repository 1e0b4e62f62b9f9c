// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { FiguresApp } from '../../../src/ui/figures/app';
import { axisStep } from '../../../src/ui/figures/chart';
import { readAgentTimeline, recordsFromTimeline } from '../../../src/ui/figures/team';
import { createMockActions } from './mock-actions';
import { DEFAULT_CONFIG } from '../../../src/core/coach';
import { shiftFigures } from '../../../src/core/figures';
import { toTimeline } from '../../../src/core/timeline';
import { playCalls, realisticShift } from '../core/recorded-history';

afterEach(cleanup);

const NOW = Date.parse('2026-03-04T15:00:00+02:00');
const DAY = 86_400_000;

function shift() {
  const today = playCalls((p) => {
    p.inbound('a', NOW - 3_600_000);
    p.answered('a', NOW - 3_600_000 + 6_000);
    p.held('a', NOW - 3_600_000 + 20_000);
    p.answer('a', 'hold-permission', 'yes', NOW - 3_600_000 + 21_000);
    p.resumed('a', NOW - 3_600_000 + 50_000);
    p.ended('a', NOW - 3_500_000);
    p.inbound('m', NOW - 1_800_000);
    p.missed('m', NOW - 1_790_000);
  });
  const yesterday = playCalls((p) => {
    p.inbound('y', NOW - DAY);
    p.answered('y', NOW - DAY + 4_000);
    p.ended('y', NOW - DAY + 60_000);
  });
  return createMockActions({ shift: { now: NOW, cards: [], records: [...yesterday, ...today], messages: [], returnCalls: [], problem: null } });
}

describe('the figures page', () => {
  it("shows the window's figures, nudges by rule and a chart of the last days", async () => {
    render(<FiguresApp actions={shift()} refreshMs={0} />);
    await screen.findByTestId('figures');
    const value = (id: string) => screen.getByTestId(`figure-${id}`).getAttribute('data-value');
    expect([value('taken'), value('missed'), value('holds'), value('hold-confirmed'), value('hold-mean')]).toEqual(['1', '1', '1', '1', '30000']);
    expect(screen.getByTestId('figure-hold-mean').textContent).toContain('0:30');
    expect(screen.getByTestId('nudges-by-rule').querySelector('tr[data-rule="hold-permission"] td')?.textContent).toBe('1');
    const days = screen.getAllByTestId('chart-day');
    expect(days).toHaveLength(14);
    expect(days.slice(-2).map((d) => [d.dataset.date, d.dataset.taken, d.dataset.missed])).toEqual([
      ['2026-03-03', '1', '0'],
      ['2026-03-04', '1', '1'],
    ]);
    expect(days.at(-1)!.querySelectorAll('rect')).toHaveLength(2);
    expect(days[0]!.querySelectorAll('rect')).toHaveLength(0);
  });

  it('changes the window', async () => {
    const actions = shift();
    render(<FiguresApp actions={actions} refreshMs={0} />);
    await screen.findByTestId('figures');
    fireEvent.click(screen.getByTestId('figures-range').querySelector('input[data-range="7d"]')!);
    await waitFor(() => expect(screen.getByTestId('figure-taken').getAttribute('data-value')).toBe('2'));
    expect(actions.callsOf('figuresView').at(-1)).toEqual(['7d', 14]);
  });

  it('exports the calls as CSV with a BOM and as a call timeline', async () => {
    const actions = shift();
    render(<FiguresApp actions={actions} refreshMs={0} />);
    fireEvent.click(await screen.findByTestId('export-csv'));
    await waitFor(() => expect(actions.callsOf('saveFile')).toHaveLength(1));
    const [fileName, text, type] = actions.callsOf('saveFile')[0] as [string, string, string];
    expect(fileName).toBe('second-ring-calls-today.csv');
    expect(text.startsWith('\uFEFFcall_key,call_id')).toBe(true);
    expect(type).toBe('text/csv;charset=utf-8');
    expect(screen.getByTestId('figures-notice').textContent).toBe('Saved second-ring-calls-today.csv.');
    fireEvent.click(screen.getByTestId('export-timeline'));
    await waitFor(() => expect(actions.callsOf('saveFile')).toHaveLength(2));
    expect(JSON.parse(actions.callsOf('saveFile')[1]![1] as string)).toMatchObject({ format: 'second-ring/call-timeline' });
  });

  it('wipes the history only after a confirmation', async () => {
    const actions = shift();
    render(<FiguresApp actions={actions} refreshMs={0} />);
    fireEvent.click(await screen.findByTestId('wipe'));
    expect(actions.callsOf('wipeHistory')).toHaveLength(0);
    fireEvent.click(screen.getByTestId('wipe-no'));
    expect(screen.queryByTestId('wipe-confirm')).toBeNull();
    fireEvent.click(screen.getByTestId('wipe'));
    fireEvent.click(screen.getByTestId('wipe-yes'));
    await waitFor(() => expect(screen.getByTestId('history-counts').dataset.calls).toBe('0'));
    expect(actions.callsOf('wipeHistory')).toHaveLength(1);
    expect(screen.getByTestId('figures-notice').textContent).toBe('The history was deleted.');
  });

  it('speaks Latvian', async () => {
    const actions = shift();
    actions.state.agent = { name: '', language: 'lv' };
    render(<FiguresApp actions={actions} refreshMs={0} />);
    expect((await screen.findByTestId('figure-taken')).textContent).toContain('Pieņemtie zvani');
    expect(screen.getByTestId('wipe').textContent).toBe('Dzēst vēsturi…');
  });

  it("compares agents' timeline exports side by side in the team lead view", async () => {
    const actions = shift();
    render(<FiguresApp actions={actions} refreshMs={0} />);
    const team = await screen.findByTestId('team-view');
    const anna = toTimeline(realisticShift(NOW - 8 * 3_600_000, 20, 1)).timeline;
    const peteris = toTimeline(realisticShift(NOW - 8 * 3_600_000, 30, 2)).timeline;
    const files = [
      new File([JSON.stringify(anna)], 'anna.json', { type: 'application/json' }),
      new File([JSON.stringify(peteris)], 'peteris.json', { type: 'application/json' }),
      new File(['{"format":"nope"}'], 'broken.json', { type: 'application/json' }),
    ];
    const input = within(team).getByTestId('team-files') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: files });
    fireEvent.change(input);
    const table = await within(team).findByTestId('team-table');
    expect([...table.querySelectorAll('thead th[data-agent]')].map((th) => (th as HTMLElement).dataset.agent)).toEqual(['anna', 'peteris']);
    const cells = (figure: string) => [...table.querySelectorAll(`tr[data-figure="${figure}"] td`)].map((td) => td.textContent);
    const calls = (t: typeof anna) => t.calls.length;
    expect(calls(anna)).toBe(20);
    expect(cells('hold-confirmed')).toEqual(['—', '—']);
    expect(cells('taken').map(Number).every((n) => n > 0)).toBe(true);
    expect(within(team).getByTestId('team-errors').textContent).toContain('broken could not be read');
  });
});

describe('figures from an imported timeline', () => {
  it("are the original records' figures for everything a timeline carries", () => {
    const records = realisticShift(NOW - 8 * 3_600_000, 60, 3);
    const { timeline } = toTimeline(records, { timeZone: 'Europe/Riga' });
    const replayed = recordsFromTimeline(timeline, DEFAULT_CONFIG);
    expect(replayed.map((r) => r.callId)).toEqual(records.map((r) => r.callId));
    const window = { from: 0, until: NOW + DAY, now: NOW + DAY };
    const original = shiftFigures(records, [], window);
    const imported = shiftFigures(replayed, [], window);
    expect(imported.calls).toEqual(original.calls);
    expect(imported.answers).toEqual(original.answers);
    expect(imported.transfers).toEqual(original.transfers);
    expect({ ...imported.holds, asked: 0, confirmed: 0, denied: 0, unanswered: 0, confirmedShare: null }).toEqual({
      ...original.holds,
      asked: 0,
      confirmed: 0,
      denied: 0,
      unanswered: 0,
      confirmedShare: null,
    });
  });

  it('are refused, with the reasons, for a file that is not a timeline', () => {
    expect(readAgentTimeline('x', 'not json', DEFAULT_CONFIG)).toMatchObject({ ok: false, name: 'x', errors: [{ path: '' }] });
    const wrong = readAgentTimeline('y', JSON.stringify({ format: 'second-ring/call-timeline', version: 1, calls: [{ id: 'a', events: [] }] }), DEFAULT_CONFIG);
    expect(wrong.ok).toBe(false);
  });
});

describe('the chart axis', () => {
  it('steps by 1, 2 or 5 times a power of ten, about four lines', () => {
    expect([0, 3, 4, 9, 17, 40, 120].map(axisStep)).toEqual([1, 1, 1, 5, 5, 10, 50]);
  });
});
