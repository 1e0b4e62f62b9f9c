import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CALL_CSV_COLUMNS, callsToCsv, csvField, neutralizeFormula, toCsv } from '../../../src/core/csv';
import { playCalls } from './recorded-history';

/** A strict RFC 4180 reader, written for the test: CRLF rows, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      rows.push(row);
      row = [];
      i += 2;
    } else {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  if (row.length > 0) throw new Error('no CRLF after the last row');
  return rows;
}

const at = (iso: string) => Date.parse(iso);

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Bērziņš, Jānis')).toBe('"Bērziņš, Jānis"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  it('neutralizes cells a spreadsheet would run as formulas', () => {
    for (const attack of ['=1+1', '+37167000000', '-2+3', '@SUM(A1:A2)', '\t=1', '\r=1', '  =cmd|"/c calc"!A1']) {
      expect(neutralizeFormula(attack)).toBe(`'${attack}`);
    }
    expect(csvField('=HYPERLINK("http://evil","x"),1')).toBe('"\'=HYPERLINK(""http://evil"",""x""),1"');
    for (const fine of ['Jānis', '67000000', 'a=b', 'e-mail', '']) expect(neutralizeFormula(fine)).toBe(fine);
  });

  it('reads back exactly what was written, for any text (property)', () => {
    const cell = fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('=', '+', '-', '@', '"', ',', '\r\n', '\n', '\r', ' '), fc.string());
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const back = parseCsv(toCsv(rows));
        expect(back).toEqual(rows.map((r) => r.map(neutralizeFormula)));
        for (const row of back) for (const field of row) expect(/^[\s]*[=+\-@]/.test(field) || /^[\t\r]/.test(field)).toBe(false);
      }),
      { numRuns: 250 },
    );
  });

  it('adds a byte-order mark only when asked', () => {
    expect(toCsv([['a']], { bom: true })).toBe('\uFEFFa\r\n');
    expect(toCsv([['a']])).toBe('a\r\n');
  });
});

describe('call records as CSV', () => {
  const d = (hms: string) => at(`2026-03-27T${hms}+02:00`);
  const records = playCalls((p) => {
    p.inbound('c1', d('16:50:00'), { displayName: 'Bērziņš, "Jānis"', number: '+37167000001' });
    p.answered('c1', d('16:50:03'));
    p.held('c1', d('16:51:00'));
    p.answer('c1', 'hold-permission', 'yes', d('16:51:02'));
    p.resumed('c1', d('16:51:30'));
    p.transfer('c1', d('16:52:00'), 'failed', 'sip:sales@pbx');
    p.ended('c1', d('16:53:00'));
    p.inbound('c2', d('16:59:00'), { displayName: '=cmd|" /C calc"!A0', number: '-1' });
    p.tick(d('16:59:10'));
    p.missed('c2', d('16:59:17'));
    // A name with an RLO, CR, LF, NUL, ESC and U+2028 (a record kept before names were cleaned on entry).
    p.inbound('c3', d('17:05:00'), { displayName: 'Eve\u202e\r\ntxt.exe\u0000\u001b[31m\u2028=1+1', number: '+371\u202e670' });
    p.tick(d('17:05:10'));
    p.missed('c3', d('17:05:17'));
  });
  const csv = callsToCsv(records, { timeZone: 'Europe/Riga' });
  const [header, first, second, third] = parseCsv(csv);

  it('writes a header of the documented columns and one row per call', () => {
    expect(parseCsv(csv)).toHaveLength(4);
    expect(header).toEqual(CALL_CSV_COLUMNS.map((c) => c.name));
    for (const column of CALL_CSV_COLUMNS) expect(column.description.length).toBeGreaterThan(5);
  });

  it('writes an answered call with local times, durations, holds, answers and transfers', () => {
    const row = Object.fromEntries(header!.map((name, i) => [name, first![i]]));
    expect(row).toMatchObject({
      call_key: '1:c1',
      direction: 'inbound',
      caller_name: '\u2068Bērziņš, "Jānis"\u2069',
      caller_number: "'+37167000001",
      started_at: '2026-03-27T16:50:00+02:00',
      answered_at: '2026-03-27T16:50:03+02:00',
      ended_at: '2026-03-27T16:53:00+02:00',
      outcome: 'answered',
      rings: '1',
      answer_class: 'on-time',
      ring_seconds: '3',
      talk_seconds: '177',
      holds: '1',
      hold_seconds: '30',
      longest_hold_seconds: '30',
      hold_permission_answers: 'yes',
      transfers: '1',
      transfer_outcomes: 'failed',
    });
    expect(row.nudge_rules).toContain('hold-permission');
  });

  it('writes a missed call, with the hostile caller name neutralized', () => {
    const row = Object.fromEntries(header!.map((name, i) => [name, second![i]]));
    expect(row).toMatchObject({
      caller_name: `'\u2068=cmd|" /C calc"!A0\u2069`,
      caller_number: "'-1",
      outcome: 'missed',
      missed_reason: 'caller-abandoned',
      rings: '4',
      answered_at: '',
      holds: '0',
      longest_hold_seconds: '',
    });
  });

  it('writes a name with control and bidi characters cleaned and isolated, on one row', () => {
    const row = Object.fromEntries(header!.map((name, i) => [name, third![i]]));
    expect(row.caller_name).toBe('\u2068Eve txt.exe[31m =1+1\u2069');
    expect(row.caller_number).toBe("'+371670");
    // One CRLF per row: nothing from the name split the row.
    expect(csv.split('\r\n')).toHaveLength(5);
  });

  it('guards a formula behind leading isolates or direction marks', () => {
    expect(neutralizeFormula('\u2068=1+1\u2069')).toBe("'\u2068=1+1\u2069");
    expect(neutralizeFormula('\u200f@SUM(A1)')).toBe("'\u200f@SUM(A1)");
    expect(neutralizeFormula('\u2068Anna\u2069')).toBe('\u2068Anna\u2069');
  });

  it('writes only a header for no calls', () => {
    expect(callsToCsv([], { timeZone: 'Europe/Riga' })).toBe(CALL_CSV_COLUMNS.map((c) => c.name).join(',') + '\r\n');
  });
});
