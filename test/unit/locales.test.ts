import { describe, expect, it } from 'vitest';
import en from '../../_locales/en/messages.json';
import lv from '../../_locales/lv/messages.json';
import { TEXT_IDS, localeKeyOf } from '../../src/core/coach/texts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the locales', () => {
  it('have the same keys in English and Latvian', () => {
    expect(Object.keys(lv).sort()).toEqual(Object.keys(en).sort());
  });

  it('have every nudge text of the coach', () => {
    for (const id of TEXT_IDS) expect(Object.keys(en)).toContain(localeKeyOf(id));
  });

  it('use only the key characters chrome.i18n allows, and no empty message', () => {
    for (const messages of [en, lv] as Record<string, { message: string }>[]) {
      for (const [key, { message }] of Object.entries(messages)) {
        expect(key).toMatch(/^[A-Za-z0-9_@]+$/);
        expect(message.trim()).not.toBe('');
      }
    }
  });

  it('fill the same placeholders in both languages', () => {
    const lvMessages = lv as Record<string, { message: string }>;
    for (const [key, { message }] of Object.entries(en as Record<string, { message: string }>)) {
      expect(placeholders(lvMessages[key]!.message), key).toEqual(placeholders(message));
    }
  });

  it('never use the seed translation\'s wrong Latvian terms', () => {
    const text = JSON.stringify(lv).toLowerCase();
    for (const wrong of ['gredzen', 'paplašinājum', 'aģent']) expect(text).not.toContain(wrong);
  });
});
