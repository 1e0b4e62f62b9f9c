/**
 * JSON.parse with a useful error: the line and column of the first mistake and what it is.
 * Node 20's messages give a position for some mistakes only ("Unexpected token 'x', … is not
 * valid JSON" has none), so on failure a small strict scanner finds the spot.
 */

export type JsonResult = { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string };

export function parseJson(source: string): JsonResult {
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    let found: { offset: number; message: string } | undefined;
    try {
      found = findJsonError(text);
    } catch {
      found = undefined; // e.g. nesting too deep for the scanner's recursion
    }
    const fallback = error instanceof Error ? error.message.replace(/ in JSON at position \d+.*$/s, '') : String(error);
    const { offset, message } = found ?? { offset: Number(/position (\d+)/.exec(String(error))?.[1] ?? text.length), message: fallback };
    return { ok: false, ...lineAndColumn(text, offset), message };
  }
}

/** 1-based line and column (in UTF-16 units) of `offset`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** The first syntax error of `text` per RFC 8259, or undefined when it is valid JSON. */
export function findJsonError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(at, message);
  };
  const describe = (at: number) => (at >= text.length ? 'the end of the file' : `${JSON.stringify(text[at])}`);
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape: expected 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`invalid escape ${e === undefined ? '\\' : JSON.stringify(`\\${e}`)}`);
        }
        continue;
      }
      if (c < 0x20) fail('control character in a string (a line break inside quotes?)');
      i++;
    }
  };
  const digits = (what: string) => {
    const from = i;
    while (i < text.length && /[0-9]/.test(text[i] ?? '')) i++;
    if (i === from) fail(`expected a digit ${what}, got ${describe(i)}`);
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') {
      i++;
      if (/[0-9]/.test(text[i] ?? '')) fail('a number cannot start with 0');
    } else {
      digits('in the number');
    }
    if (text[i] === '.') {
      i++;
      digits('after the decimal point');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits('in the exponent');
    }
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe(i)}${/^[A-Za-z]/.test(text[i] ?? '') ? ` (strings need double quotes)` : ''}`);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === undefined) fail('unexpected end of the file: expected a value');
    else if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || /[0-9]/.test(c)) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === "'") fail('strings need double quotes');
    else fail(`unexpected ${describe(i)}: expected a value`);
  };
  const object = () => {
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return;
    }
    let comma = -1;
    for (;;) {
      ws();
      if (text[i] === '}' && comma >= 0) fail('trailing comma before "}"', comma);
      if (text[i] !== '"') fail(`expected a property name in double quotes, got ${describe(i)}`);
      string();
      ws();
      if (text[i] !== ':') fail(`expected ":" after the property name, got ${describe(i)}`);
      i++;
      value();
      ws();
      if (text[i] === ',') {
        comma = i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected "," or "}" after a property value, got ${describe(i)}`);
    }
  };
  const array = () => {
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return;
    }
    let comma = -1;
    for (;;) {
      ws();
      if (text[i] === ']' && comma >= 0) fail('trailing comma before "]"', comma);
      value();
      ws();
      if (text[i] === ',') {
        comma = i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected "," or "]" after an array item, got ${describe(i)}`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { offset: error.offset, message: error.message };
    throw error;
  }
}
