import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';

// vitest.config.ts aliases the polyfill to the fake browser, which has no default export; the
// platform module imports the default.
vi.mock('webextension-polyfill', async () => {
  const actual = await vi.importActual<{ fakeBrowser: unknown }>('@webext-core/fake-browser');
  return { ...actual, default: actual.fakeBrowser };
});
import { createBackgroundClient } from '../../../src/ui/shared/background-client';

describe('the background client', () => {
  it('sends typed envelopes to the background and returns its answers', async () => {
    const seen: unknown[] = [];
    fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
      seen.push(message);
      const { type } = message as { type: string };
      return Promise.resolve(type === 'exportRulePack' ? { text: '{"version":1}' } : { ok: true });
    });
    const client = createBackgroundClient();
    await expect(client.saveTeamConfig({ region: 'uk' })).resolves.toEqual({ ok: true });
    await expect(client.exportRulePack()).resolves.toBe('{"version":1}');
    expect(seen).toEqual([
      { type: 'saveTeamConfig', payload: { input: { region: 'uk' } } },
      { type: 'exportRulePack', payload: {} },
    ]);
  });

  it('reports storage and permission changes, and stops when asked', async () => {
    // The fake browser has no permissions events: minimal ones stand in.
    const fakeEvent = (event: { addListener: unknown; removeListener: unknown }) => {
      const listeners = new Set<() => void>();
      vi.spyOn(event as { addListener(l: () => void): void }, 'addListener').mockImplementation((l) => void listeners.add(l));
      vi.spyOn(event as { removeListener(l: () => void): void }, 'removeListener').mockImplementation((l) => void listeners.delete(l));
      return listeners;
    };
    const added = fakeEvent(fakeBrowser.permissions.onAdded);
    const removed = fakeEvent(fakeBrowser.permissions.onRemoved);
    const client = createBackgroundClient();
    let count = 0;
    const stop = client.onSettingsChanged(() => count++);
    await fakeBrowser.storage.local.set({ config: { region: 'uk' } });
    expect(count).toBe(1);
    added.forEach((l) => l());
    removed.forEach((l) => l());
    expect(count).toBe(3);
    stop();
    expect(added.size + removed.size).toBe(0);
    await fakeBrowser.storage.local.set({ config: { region: 'europe' } });
    expect(count).toBe(3);
  });
});
