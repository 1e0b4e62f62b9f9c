// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { PopupApp } from '../../../src/ui/popup/app';
import { createMockActions } from './mock-actions';

afterEach(cleanup);

const granted = 'https://granted.example.com/*';
const policySite = 'https://policy.example.com/*';

function withSites() {
  return createMockActions({
    local: { sites: [{ pattern: granted, adapter: 'sip-websocket' }] },
    policy: { sites: [{ pattern: policySite, adapter: 'sip-websocket' }] },
    granted: new Set([granted]),
    registered: new Set([granted]),
  });
}

describe('the popup', () => {
  it('shows the product, the language in force and every site with its status', async () => {
    render(<PopupApp actions={withSites()} />);
    await screen.findByTestId('popup');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Second Ring');
    expect(screen.getByTestId('popup-language').textContent).toBe('Language: English');
    // The mock merges policy sites over local ones: the policy's list is the one in force.
    const rows = screen.getAllByTestId('popup-site');
    expect(rows.map((r) => r.dataset.pattern)).toEqual([policySite]);
    expect(rows[0]!.textContent).toContain('No access yet');
    expect(rows[0]!.textContent).toContain('set by your organization');
  });

  it('asks for host access to a site without it, from the click, and shows the new status', async () => {
    const actions = createMockActions({ local: { sites: [{ pattern: granted, adapter: 'sip-websocket' }, { pattern: policySite, adapter: 'sip-websocket' }] }, granted: new Set([granted]) });
    render(<PopupApp actions={actions} />);
    await screen.findByTestId('popup');
    const allow = screen.getAllByTestId('popup-allow');
    expect(allow.map((b) => b.dataset.pattern)).toEqual([policySite]);
    expect(allow[0]!.textContent).toBe(`Allow on ${policySite}`);
    fireEvent.click(allow[0]!);
    expect(actions.callsOf('requestSiteAccess')).toEqual([[policySite]]);
    await waitFor(() => expect(screen.queryByTestId('popup-allow')).toBeNull());
    const row = screen.getAllByTestId('popup-site').find((r) => r.dataset.pattern === policySite)!;
    expect(row.dataset.granted).toBe('true');
    expect(within(row).getByText(/Coaching on/)).toBeTruthy();
  });

  it('opens the options page through the client', async () => {
    const actions = createMockActions();
    render(<PopupApp actions={actions} />);
    fireEvent.click(await screen.findByTestId('popup-open-options'));
    expect(actions.callsOf('openOptionsPage')).toHaveLength(1);
    expect(screen.getByTestId('popup-no-sites')).toBeTruthy();
  });

  it('speaks Latvian when the agent chose it', async () => {
    render(<PopupApp actions={createMockActions({ agent: { name: 'Anna', language: 'lv' } })} />);
    expect((await screen.findByTestId('popup-language')).textContent).toBe('Valoda: Latviešu');
    expect(screen.getByTestId('popup-open-options').textContent).toBe('Atvērt iestatījumus');
  });

  it('warns when the settings have problems', async () => {
    render(<PopupApp actions={createMockActions({ errors: { local: [], policy: [{ path: 'region', keys: ['region'], message: 'Invalid' }] } })} />);
    expect((await screen.findByTestId('popup-problems')).textContent).toContain('problems with the settings');
  });

  it('names the softphone tabs that are not coached and reloads one on a click, but offers no reload while a tab plays sound', async () => {
    const actions = createMockActions({
      uncoached: [
        { tabId: 4, title: 'Softphone — queue A', url: 'https://granted.example.com/phone', audible: false },
        { tabId: 9, title: 'Softphone — on a call', url: 'https://granted.example.com/phone2', audible: true },
      ],
    });
    render(<PopupApp actions={actions} refreshMs={0} />);
    const rows = await screen.findAllByTestId('popup-uncoached-tab');
    expect(rows.map((r) => [r.dataset.tabId, r.dataset.audible])).toEqual([
      ['4', 'false'],
      ['9', 'true'],
    ]);
    expect(rows[0]!.textContent).toContain('Softphone — queue A');
    expect(within(rows[1]!).queryByTestId('popup-uncoached-reload')).toBeNull();
    expect(rows[1]!.textContent).toContain('Playing sound');
    fireEvent.click(within(rows[0]!).getByTestId('popup-uncoached-reload'));
    await waitFor(() => expect(actions.callsOf('reloadUncoachedTab')).toEqual([[4]]));
    await waitFor(() => expect(screen.getAllByTestId('popup-uncoached-tab').map((r) => r.dataset.tabId)).toEqual(['9']));
  });

  it('shows no not-coached section when every softphone tab is coached', async () => {
    render(<PopupApp actions={withSites()} refreshMs={0} />);
    await screen.findByTestId('popup');
    expect(screen.queryByTestId('popup-uncoached')).toBeNull();
  });
});
