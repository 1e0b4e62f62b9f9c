import { describe, expect, it } from 'vitest';
import {
  GOODBYE_HANGUP_MS,
  HELLO_AFTER_MS,
  REASON_AFTER_MS,
  SILENCE_HANGUP_MS,
  callerStep,
  initialCallerState,
  type CallerInput,
  type CallerSetup,
  type CallerState,
} from '../../../src/core/practice/caller';
import { callerLine, scenarioOf } from '../../../src/core/practice/scenarios';
import type { CallerLineId, ScenarioId } from '../../../src/core/practice/types';

/** Drives the caller like the page does: inputs at given times, ticks at every wakeAt in between. */
function run(id: ScenarioId, script: [number, CallerInput][], until: number, checkBackMs = 45_000) {
  const setup: CallerSetup = { scenario: scenarioOf(id), region: 'europe', checkBackMs };
  let state: CallerState = initialCallerState(0);
  let wakeAt: number | null = null;
  const said: [number, CallerLineId][] = [];
  let hungUp: { at: number; reason: string } | undefined;
  const apply = (input: CallerInput, now: number) => {
    const result = callerStep(setup, state, input, now);
    state = result.state;
    wakeAt = result.wakeAt;
    for (const line of result.says) said.push([now, line]);
    if (result.hangsUp) hungUp = { at: now, reason: result.hangsUp };
  };
  apply({ type: 'tick' }, 0);
  for (const [at, input] of [...script, [until, { type: 'tick' }] as [number, CallerInput]]) {
    while (wakeAt !== null && wakeAt <= at && !hungUp) apply({ type: 'tick' }, wakeAt);
    if (!hungUp) apply(input, at);
  }
  return { said, hungUp, state };
}

const lines = (said: [number, CallerLineId][]) => said.map(([, line]) => line);

describe('the practice caller', () => {
  it('hangs up after four rings when nobody answers (europe: 16 s)', () => {
    const { hungUp, said } = run('answer-window', [], 30_000);
    expect(hungUp).toEqual({ at: 16_000, reason: 'abandoned' });
    expect(said).toEqual([]);
  });

  it('waits for the offer to help before saying why they call, and answers questions', () => {
    const { said } = run(
      'greeting-name',
      [
        [6_000, { type: 'answered' }],
        [6_500, { type: 'said', line: 'greet' }],
        [6_500, { type: 'said', line: 'own-name' }],
        [6_500, { type: 'said', line: 'organization' }],
        [6_500, { type: 'said', line: 'offer' }],
        [9_000, { type: 'said', line: 'ask-name' }],
        [11_000, { type: 'said', line: 'use-name' }],
        [12_000, { type: 'said', line: 'give-answer' }],
      ],
      14_000,
    );
    expect(said).toEqual([
      [6_500, 'reason'],
      [9_000, 'name'],
      [12_000, 'answer-thanks'],
    ]);
  });

  it('says "hello?" after a silence, gives the reason after a greeting without an offer, hangs up after a long silence', () => {
    expect(lines(run('closing', [[5_000, { type: 'answered' }]], 5_000 + HELLO_AFTER_MS).said)).toEqual(['hello']);
    const silent = run('closing', [[5_000, { type: 'answered' }]], 40_000);
    expect(silent.hungUp).toEqual({ at: 5_000 + SILENCE_HANGUP_MS, reason: 'silence' });
    const noOffer = run('closing', [[5_000, { type: 'answered' }], [5_500, { type: 'said', line: 'greet' }]], 12_000);
    expect(noOffer.said).toEqual([[5_500 + REASON_AFTER_MS, 'reason']]);
  });

  it('agrees to hold when asked, and says so when back; complains when put on hold without asking', () => {
    const asked = run(
      'hold',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: 'offer' }],
        [8_000, { type: 'said', line: 'ask-hold' }],
        [9_000, { type: 'held' }],
        [20_000, { type: 'resumed' }],
        [20_500, { type: 'said', line: 'thank-hold' }],
      ],
      21_000,
    );
    expect(lines(asked.said)).toEqual(['reason', 'hold-yes', 'back-quick']);
    const unasked = run(
      'hold',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: 'offer' }],
        [9_000, { type: 'held' }],
        [60_000, { type: 'resumed' }],
        [61_000, { type: 'said', line: 'give-answer' }],
      ],
      62_000,
    );
    expect(lines(unasked.said)).toEqual(['reason', 'held-unasked', 'answer-thanks']);
    const long = run(
      'hold',
      [
        [5_000, { type: 'answered' }],
        [5_500, { type: 'said', line: 'offer' }],
        [6_000, { type: 'said', line: 'ask-hold' }],
        [7_000, { type: 'held' }],
        [60_000, { type: 'resumed' }],
        [60_500, { type: 'said', line: 'thank-hold' }],
      ],
      61_000,
    );
    expect(lines(long.said)).toEqual(['reason', 'hold-yes', 'back-long']);
  });

  it('waits on hold up to 2.5 check-back intervals, then hangs up', () => {
    const { hungUp } = run(
      'hold',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: 'ask-hold' }],
        [7_000, { type: 'held' }],
      ],
      60_000,
      10_000,
    );
    expect(hungUp).toEqual({ at: 7_000 + 25_000, reason: 'hold-too-long' });
  });

  it('questions a transfer to the wrong department and is fine with the right one', () => {
    const talk: [number, CallerInput][] = [
      [5_000, { type: 'answered' }],
      [6_000, { type: 'said', line: 'offer' }],
    ];
    const wrong = run('transfer', [...talk, [8_000, { type: 'said', line: 'announce-transfer', colleague: 'liga' }]], 9_000);
    expect(lines(wrong.said)).toEqual(['reason', 'transfer-wrong']);
    expect(callerLine(scenarioOf('transfer'), 'transfer-wrong', 'lv')).toBe('Vai tas ir pareizi? Mans jautājums ir par rēķinu.');
    const right = run('transfer', [...talk, [8_000, { type: 'said', line: 'announce-transfer', colleague: 'janis' }]], 9_000);
    expect(lines(right.said)).toEqual(['reason', 'transfer-ok']);
  });

  it('leaves a message for a colleague who is out, and confirms it only when it is complete', () => {
    const early = run(
      'message',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: 'offer' }],
        [8_000, { type: 'said', line: 'colleague-out', colleague: 'peteris' }],
        [10_000, { type: 'said', line: 'read-back' }],
      ],
      11_000,
    );
    expect(lines(early.said)).toEqual(['reason', 'message', 'read-back-early']);
    const full = run(
      'message',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: 'offer' }],
        [8_000, { type: 'said', line: 'colleague-out', colleague: 'peteris' }],
        [9_000, { type: 'said', line: 'ask-name' }],
        [10_000, { type: 'said', line: 'ask-number' }],
        [11_000, { type: 'said', line: 'read-back' }],
        [12_000, { type: 'said', line: 'promise-callback', colleague: 'peteris' }],
      ],
      13_000,
    );
    expect(lines(full.said)).toEqual(['reason', 'message', 'name', 'number', 'confirm', 'callback-thanks']);
  });

  it('says goodbye after thanks and hangs up when the agent does not; a transfer that fails brings them back', () => {
    const done = run(
      'closing',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: 'offer' }],
        [8_000, { type: 'said', line: 'anything-else' }],
        [9_000, { type: 'said', line: 'thank-you' }],
      ],
      30_000,
    );
    expect(lines(done.said)).toEqual(['reason', 'nothing-else', 'goodbye']);
    expect(done.hungUp).toEqual({ at: 9_000 + GOODBYE_HANGUP_MS, reason: 'done' });
    const back = run(
      'message',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: 'offer' }],
        [8_000, { type: 'transfer-started' }],
        [12_000, { type: 'transfer-failed' }],
      ],
      13_000,
    );
    expect(lines(back.said)).toEqual(['reason', 'transfer-failed']);
    expect(back.state.phase).toBe('talking');
  });

  it('does not hear anything said while on hold, and asks again when it does not understand', () => {
    const { said } = run(
      'closing',
      [
        [5_000, { type: 'answered' }],
        [6_000, { type: 'said', line: null }],
        [7_000, { type: 'held' }],
        [8_000, { type: 'said', line: 'ask-name' }],
      ],
      9_000,
    );
    expect(lines(said)).toEqual(['pardon']);
  });
});
