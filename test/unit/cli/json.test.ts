import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonError, parseJson } from '../../../src/cli/json';

const failure = (text: string) => {
  const r = parseJson(text);
  if (r.ok) throw new Error('expected invalid JSON');
  return `${r.line}:${r.column} ${r.message}`;
};

describe('parseJson', () => {
  it('parses valid JSON, also after a byte-order mark', () => {
    expect(parseJson('{"a": [1, 2.5e3, "x", true, null]}')).toEqual({ ok: true, value: { a: [1, 2500, 'x', true, null] } });
    expect(parseJson('\uFEFF{}')).toEqual({ ok: true, value: {} });
  });

  it('says where the first mistake is and what it is', () => {
    expect(failure('{\n  "a": 1,\n}')).toBe('2:9 trailing comma before "}"');
    expect(failure('[1,\n 2,\n]')).toBe('2:3 trailing comma before "]"');
    expect(failure('{"a": x}')).toBe('1:7 unexpected "x": expected a value');
    expect(failure('{"a": tru}')).toBe('1:7 unexpected "t" (strings need double quotes)');
    expect(failure("{'a': 1}")).toBe('1:2 expected a property name in double quotes, got "\'"');
    expect(failure('{"a" 1}')).toBe('1:6 expected ":" after the property name, got "1"');
    expect(failure('{"a": 1 "b": 2}')).toBe('1:9 expected "," or "}" after a property value, got "\\""');
    expect(failure('[1 2]')).toBe('1:4 expected "," or "]" after an array item, got "2"');
    expect(failure('{"a": "x\ny"}')).toBe('1:9 control character in a string (a line break inside quotes?)');
    expect(failure('{"a": "\\q"}')).toBe('1:8 invalid escape "\\\\q"');
    expect(failure('{"a": "\\u12"}')).toBe('1:8 invalid \\u escape: expected 4 hex digits');
    expect(failure('{"a": 01}')).toBe('1:8 a number cannot start with 0');
    expect(failure('{"a": -}')).toBe('1:8 expected a digit in the number, got "}"');
    expect(failure('{"a": 1.}')).toBe('1:9 expected a digit after the decimal point, got "}"');
    expect(failure('{"a": "open')).toBe('1:12 unterminated string');
    expect(failure('{"a": ')).toBe('1:7 unexpected end of the file: expected a value');
    expect(failure('')).toBe('1:1 unexpected end of the file: expected a value');
    expect(failure('{} {}')).toBe('1:4 unexpected "{" after the JSON value');
  });

  it('finds no error in what JSON.parse accepts, and one in what it refuses', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonError(text) === undefined).toBe(valid);
      }),
      { numRuns: 2000 },
    );
  });
});
