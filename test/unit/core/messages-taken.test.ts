import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createMessage,
  dialableNumber,
  isPhoneNumber,
  markDelivered,
  markReminded,
  messagesToRemind,
  nextMessageReminderAt,
  undeliveredReminderAt,
  validateMessage,
  type TakenMessage,
} from '../../../src/core/messages-taken';

const MIN = 60_000;
const form = {
  callerName: '  Jānis Bērziņš ',
  forWhom: 'Anna (billing)',
  callbackWanted: true,
  callbackNumber: ' +371 (67) 000-000 ',
  text: 'Invoice 1234 is wrong, please call back before Friday.',
};

describe('validating a message', () => {
  it('accepts a complete message, trimmed', () => {
    expect(validateMessage(form)).toEqual({
      ok: true,
      value: {
        callerName: 'Jānis Bērziņš',
        forWhom: 'Anna (billing)',
        callbackWanted: true,
        callbackNumber: '+371 (67) 000-000',
        text: 'Invoice 1234 is wrong, please call back before Friday.',
      },
    });
  });

  it('cannot be saved without the caller’s name, the recipient and the message, and says so for each', () => {
    const result = validateMessage({ callerName: ' ', forWhom: '', text: '\n', callbackWanted: false });
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'callerName', code: 'required', message: 'Required' },
        { path: 'forWhom', code: 'required', message: 'Required' },
        { path: 'text', code: 'required', message: 'Required' },
      ],
    });
  });

  it('reports missing fields and a bad callback number together', () => {
    const result = validateMessage({ ...form, callerName: undefined, callbackNumber: 'call Anna' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.path, e.code])).toEqual([
      ['callerName', 'required'],
      ['callbackNumber', 'not-a-phone-number'],
    ]);
  });

  it('requires a callback number only when a callback is wanted, and drops a stale one otherwise', () => {
    const missing = validateMessage({ ...form, callbackNumber: '   ' });
    expect(missing.ok === false && missing.errors).toEqual([{ path: 'callbackNumber', code: 'required', message: 'Required' }]);
    const noCallback = validateMessage({ ...form, callbackWanted: false, callbackNumber: 'garbage' });
    expect(noCallback.ok && noCallback.value).toEqual(expect.not.objectContaining({ callbackNumber: expect.anything() }));
    const defaulted = validateMessage({ callerName: 'A', forWhom: 'B', text: 'C' });
    expect(defaulted.ok && defaulted.value.callbackWanted).toBe(false);
  });

  it('refuses too-long fields and values of the wrong type', () => {
    const result = validateMessage({ ...form, text: 'x'.repeat(5001), callbackWanted: 'yes' });
    expect(result.ok === false && result.errors.map((e) => [e.path, e.code])).toEqual([
      ['callbackWanted', 'invalid'],
      ['text', 'too-long'],
    ]);
    expect(validateMessage(null)).toEqual({ ok: false, errors: [{ path: '', code: 'invalid', message: 'Invalid value' }] });
    expect(validateMessage('a message')).toMatchObject({ ok: false });
  });
});

describe('phone number shapes', () => {
  it.each(['+37167000000', '67 000 000', '+1 (212) 555-0100', '(0)20 7946 0958', '112', '8-800-200-00-00', '  +44 20 7946 0958  '])(
    'accepts %j',
    (n) => expect(isPhoneNumber(n)).toBe(true),
  );

  it.each(['call Anna', '+371 67O00000', '67000000 ext 12', '', '+', '1', '++37167000000', '371+67000000', '(67 000 000', '67) 000 000', '()67000000', '(1)(2)3456', '1234567890123456', '+371.67.000.000', '67\n000000', '67\t000000'])(
    'rejects %j',
    (n) => expect(isPhoneNumber(n)).toBe(false),
  );

  it('never accepts a string with a letter in it (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom(...'abcxyzABCXYZāšžĀ'), (a, b, letter) => {
        expect(isPhoneNumber(a + letter + b)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('makes a tel: number of the digits and the leading plus', () => {
    expect(dialableNumber(' +371 (67) 000-000 ')).toBe('+37167000000');
    expect(dialableNumber('67 000 000')).toBe('67000000');
  });
});

describe('delivery and the undelivered reminder', () => {
  const draft = validateMessage(form);
  if (!draft.ok) throw new Error('fixture');
  const taken = createMessage(draft.value, { id: 'm1', createdAt: 1_000_000, callKey: '3:abc' });

  it('starts to be delivered, with its id, time and call', () => {
    expect(taken).toMatchObject({ id: 'm1', createdAt: 1_000_000, callKey: '3:abc', status: 'to-deliver' });
    expect(taken.deliveredAt).toBeUndefined();
  });

  it('reminds once, 10 minutes after it was taken, while undelivered', () => {
    expect(undeliveredReminderAt(taken)).toBe(1_000_000 + 10 * MIN);
    expect(undeliveredReminderAt(taken, 5 * MIN)).toBe(1_000_000 + 5 * MIN);
    expect(messagesToRemind([taken], 1_000_000 + 10 * MIN - 1)).toEqual([]);
    expect(messagesToRemind([taken], 1_000_000 + 10 * MIN)).toEqual([taken]);
    expect(undeliveredReminderAt(markReminded(taken, 1_000_000 + 10 * MIN))).toBeNull();
  });

  it('stops reminding once delivered, and keeps the first delivery time', () => {
    const delivered = markDelivered(taken, 1_000_000 + 3 * MIN);
    expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: 1_000_000 + 3 * MIN });
    expect(markDelivered(delivered, 9_999_999).deliveredAt).toBe(1_000_000 + 3 * MIN);
    expect(undeliveredReminderAt(delivered)).toBeNull();
  });

  it('arms the alarm for the earliest pending reminder', () => {
    const later: TakenMessage = { ...taken, id: 'm2', createdAt: 2_000_000 };
    const done = markDelivered({ ...taken, id: 'm3', createdAt: 500_000 }, 600_000);
    expect(nextMessageReminderAt([later, taken, done])).toBe(1_000_000 + 10 * MIN);
    expect(nextMessageReminderAt([done])).toBeNull();
  });
});
