import { describe, expect, it } from 'vitest';
import { positionStore } from '../../../src/content/nudges/position-store';
import type { LocalStorageArea } from '../../../src/platform/content-runtime';

/** storage.local as the extension has it: values go in and come out as copies. */
function memoryArea(): LocalStorageArea & { data: Record<string, unknown> } {
  const data: Record<string, unknown> = {};
  return {
    data,
    get: async (key) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
    set: async (items) => void Object.assign(data, structuredClone(items)),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("where the agent put the overlay, per site, in the extension's storage", () => {
  it('keeps each site its own place, and forgets one on request without touching the others', async () => {
    const area = memoryArea();
    const phone = positionStore('https://phone.example', area);
    const crm = positionStore('https://crm.example', area);
    expect(await phone.load()).toBeUndefined();
    phone.save({ h: 'left', x: 40, v: 'top', y: 30 });
    await settle();
    crm.save({ h: 'right', x: 16, v: 'bottom', y: 16 });
    await settle();
    expect(await phone.load()).toEqual({ h: 'left', x: 40, v: 'top', y: 30 });
    expect(await crm.load()).toEqual({ h: 'right', x: 16, v: 'bottom', y: 16 });
    phone.save(undefined);
    await settle();
    expect(await phone.load()).toBeUndefined();
    expect(Object.keys(area.data.overlayPositions as object)).toEqual(['https://crm.example']);
  });

  it('ignores a stored value that is not a place, and without extension storage saves nothing and loads nothing', async () => {
    const area = memoryArea();
    area.data.overlayPositions = { 'https://phone.example': { h: 'middle', x: 'far' } };
    expect(await positionStore('https://phone.example', area).load()).toBeUndefined();
    const nowhere = positionStore('https://phone.example', undefined);
    nowhere.save({ h: 'left', x: 1, v: 'top', y: 1 }); // no throw: the overlay just stays where it is
    await expect(nowhere.load()).rejects.toThrow(/no extension storage/);
  });
});
