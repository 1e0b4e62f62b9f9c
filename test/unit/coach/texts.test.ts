import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS, formatText, TEXT_IDS } from '../../../src/core/coach';

const placeholders = (s: string): string[] => [...s.matchAll(/\{([A-Za-z][\w-]*)\}/g)].map((m) => m[1] ?? '').sort();

describe('nudge texts', () => {
  it('fills placeholders with the given values', () => {
    expect(formatText('On hold for {seconds} s — {seconds}!', { seconds: 45 })).toBe('On hold for 45 s — 45!');
  });

  it('leaves unknown placeholders as they are', () => {
    expect(formatText('Hello {agent}, {rings} rings', { rings: 3 })).toBe('Hello {agent}, 3 rings');
  });

  it('never expands a placeholder inside a filled-in value', () => {
    expect(formatText('From {caller} after {rings}', { caller: '{rings}<b>', rings: 2 })).toBe('From {rings}<b> after 2');
  });

  it('does not take inherited properties for values', () => {
    expect(formatText('{toString} {constructor}', {})).toBe('{toString} {constructor}');
  });

  it('ships every text in English and Latvian with the same placeholders', () => {
    for (const id of TEXT_IDS) {
      const en = DEFAULT_TEXTS.en[id];
      const lv = DEFAULT_TEXTS.lv[id];
      expect(en.trim().length, id).toBeGreaterThan(0);
      expect(lv.trim().length, id).toBeGreaterThan(0);
      expect(placeholders(lv), id).toEqual(placeholders(en));
      expect(en, id).not.toMatch(/[<>]/);
    }
  });

  it('keeps to the glossary in Latvian (no "gredzens", "aģents", "paplašinājums", no "turēt" for hold)', () => {
    for (const id of TEXT_IDS) {
      expect(DEFAULT_TEXTS.lv[id], id).not.toMatch(/gredzen|aģent|paplašinājum|\bturē/i);
    }
  });

  it('uses the wording of the brief for the main English nudges', () => {
    expect(DEFAULT_TEXTS.en['answer-window.nudge']).toBe('Answer now — the caller has heard three rings.');
    expect(DEFAULT_TEXTS.en['hold-permission.question']).toBe('Did you ask the caller before putting them on hold?');
    expect(DEFAULT_TEXTS.lv['hold-check-back.nudge']).toBe('Zvanītājs gaida jau {seconds} s — atgriezieties pie viņa.');
  });
});
