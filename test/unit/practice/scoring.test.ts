import { describe, expect, it } from 'vitest';
import { scoreCall, type RuleScore, type ScoreCard } from '../../../src/core/practice/scoring';
import { noteText, renderScoreCard } from '../../../src/core/practice/texts';
import type {
  AgentLineId,
  CallerLineId,
  ColleagueId,
  PracticeAction,
  PracticeLogEntry,
  PracticeRules,
  RuleId,
  ScenarioId,
  ShownNudge,
} from '../../../src/core/practice/types';

const RULES: PracticeRules = { region: 'europe', callerNameAfterSeconds: 20, checkBackSeconds: 45, safeHoldSeconds: 5, enabled: {} };

/** A practice log in seconds since the first ring. */
class Call {
  readonly log: PracticeLogEntry[] = [{ at: 0, type: 'ringing' }];
  readonly nudges: ShownNudge[] = [];
  private add(at: number, action: PracticeAction): this {
    this.log.push({ at: Math.round(at * 1000), ...action } as PracticeLogEntry);
    return this;
  }
  answer(at: number) {
    return this.add(at, { type: 'answered' });
  }
  say(at: number, line: AgentLineId, colleague?: ColleagueId) {
    return this.add(at, { type: 'said', line, text: line, ...(colleague ? { colleague } : {}) });
  }
  caller(at: number, line: CallerLineId) {
    return this.add(at, { type: 'caller-said', line, text: line });
  }
  hold(at: number) {
    return this.add(at, { type: 'hold-clicked' }).add(at + 0.4, { type: 'held' });
  }
  resume(at: number) {
    return this.add(at, { type: 'resumed' });
  }
  transfer(at: number, colleague: ColleagueId, ok: boolean, doneAt = at + 2) {
    this.add(at, { type: 'transfer-clicked', colleague }).add(at + 0.4, { type: 'transfer-started', colleague });
    this.add(doneAt, { type: 'transfer-done', colleague, ok });
    return ok ? this.add(doneAt, { type: 'ended', by: 'transfer' }) : this;
  }
  hangUp(at: number) {
    return this.add(at, { type: 'hangup-clicked' }).add(at + 0.4, { type: 'ended', by: 'agent' });
  }
  callerHangsUp(at: number, reason: 'abandoned' | 'hold-too-long' | 'done' | 'silence') {
    return this.add(at, { type: 'ended', by: 'caller', reason });
  }
  nudge(at: number, ruleId: RuleId, kind: ShownNudge['kind'] = 'toast', text = `${ruleId} nudge`) {
    this.nudges.push({ key: `7:practice-1|${ruleId}|${this.nudges.filter((n) => n.ruleId === ruleId).length + 1}`, ruleId, kind, text, at: at * 1000 });
    return this;
  }
  /** The greeting, all four parts at once, and the caller's reason. */
  greet(at: number) {
    return this.say(at, 'greet').say(at, 'own-name').say(at, 'organization').say(at, 'offer').caller(at + 0.7, 'reason');
  }
  close(at: number) {
    return this.say(at, 'recap').caller(at + 0.7, 'confirm').say(at + 1, 'anything-else').caller(at + 1.7, 'nothing-else').say(at + 2, 'thank-you').caller(at + 2.7, 'goodbye');
  }
  score(scenario: ScenarioId, rules: PracticeRules = RULES): ScoreCard {
    return scoreCall({ scenario, rules, log: this.log, nudges: this.nudges });
  }
}

const rule = (card: ScoreCard, id: RuleId): RuleScore => {
  const found = card.rules.find((r) => r.ruleId === id);
  if (!found) throw new Error(`no ${id} on the card: ${card.rules.map((r) => r.ruleId).join(', ')}`);
  return found;
};
const keys = (notes: readonly { key: string }[]) => notes.map((n) => n.key);

describe('scenario (a) answer in the window', () => {
  it('scores an answer in ring 2 as on time, with no call to return', () => {
    const card = new Call().answer(6.2).greet(6.5).close(9).hangUp(12.5).score('answer-window');
    expect(card.rules.slice(0, 2).map((r) => [r.ruleId, r.focus, r.verdict])).toEqual([
      ['answer-window', true, 'good'],
      ['missed-call', true, 'good'],
    ]);
    expect(rule(card, 'answer-window').wentWell).toEqual([
      { key: 'practice_score_answer_on_time', params: { seconds: 6.2, ring: 2, from: 1, until: 10 } },
    ]);
    expect(noteText(rule(card, 'answer-window').wentWell[0]!, 'en')).toBe(
      'You answered in ring 2, 6.2 s after it began to ring: in the window (1–10 s).',
    );
    expect(noteText(rule(card, 'answer-window').wentWell[0]!, 'lv')).toBe('Jūs atbildējāt 2. signālā, 6,2 s pēc zvana sākuma — laikā (1–10 s).');
    expect(card.outcome).toBe('completed');
  });

  it('scores a late answer with the answer-window nudge and why it fired', () => {
    const card = new Call().nudge(10, 'answer-window').answer(11.3).greet(11.5).close(14).hangUp(17).score('answer-window');
    const answer = rule(card, 'answer-window');
    expect(answer.verdict).toBe('improve');
    expect(keys(answer.improve)).toEqual(['practice_score_answer_late']);
    expect(answer.nudges).toMatchObject([{ at: 10, why: { key: 'practice_why_answer_window', params: { seconds: 10 } } }]);
    const rendered = renderScoreCard(card, 'en').rules[0]!;
    expect(rendered.improve[0]).toBe('You answered in ring 3, after 11.3 s: from ring 3 on, callers start hanging up. Answer before 10 s.');
    expect(rendered.nudges[0]).toMatchObject({ at: '+10.0 s', why: 'It was still ringing when ring 3 began (10 s).' });
  });

  it('scores an answer before the first ring ended as too early', () => {
    const card = new Call().answer(0.4).greet(1).hangUp(5).score('answer-window');
    expect(keys(rule(card, 'answer-window').improve)).toEqual(['practice_score_answer_early']);
  });

  it('scores a call nobody answered: the caller hung up after four rings, and a return call is owed', () => {
    const card = new Call().nudge(10, 'answer-window').callerHangsUp(16, 'abandoned').nudge(16, 'missed-call').score('answer-window');
    expect(card.outcome).toBe('missed');
    expect(rule(card, 'answer-window').improve).toEqual([{ key: 'practice_score_answer_none', params: { rings: 4 } }]);
    const missed = rule(card, 'missed-call');
    expect(missed.verdict).toBe('good');
    expect(keys(missed.tips)).toEqual(['practice_score_missed_return']);
    expect(missed.nudges[0]!.why.key).toBe('practice_why_missed_call');
    // Nothing after the answer is scored on a call that was never answered.
    expect(card.rules.map((r) => r.ruleId)).toEqual(['answer-window', 'missed-call']);
    const lv = renderScoreCard(card, 'lv');
    expect(lv.outcome).toBe('Neatbildēts zvans. (16 s)');
    expect(lv.rules[0]!.improve[0]).toBe('Neviens neatbildēja, un zvanītājs nolika klausuli. Signāli: 4');
  });

  it('measures against the configured ring region (uk: ring 3 starts at 6 s)', () => {
    const uk = { ...RULES, region: 'uk' as const };
    expect(rule(new Call().answer(4).hangUp(8).score('answer-window', uk), 'answer-window').verdict).toBe('good');
    expect(rule(new Call().answer(6.5).hangUp(8).score('answer-window', uk), 'answer-window').verdict).toBe('improve');
  });
});

describe('scenario (b) greeting and the caller’s name', () => {
  it('scores all four parts in order and a name asked early and used', () => {
    const card = new Call()
      .answer(6)
      .nudge(6, 'greeting', 'checklist')
      .greet(6.5)
      .say(10, 'ask-name')
      .caller(10.7, 'name')
      .say(12, 'use-name')
      .say(13, 'give-answer')
      .caller(13.7, 'answer-thanks')
      .close(15)
      .hangUp(19)
      .score('greeting-name');
    expect(card.rules.slice(0, 2).map((r) => [r.ruleId, r.verdict])).toEqual([
      ['greeting', 'good'],
      ['caller-name', 'good'],
    ]);
    expect(rule(card, 'greeting').wentWell).toEqual([{ key: 'practice_score_greeting_all', params: { seconds: 0.5 } }]);
    expect(rule(card, 'greeting').nudges[0]!.why.key).toBe('practice_why_greeting');
    expect(keys(rule(card, 'caller-name').wentWell)).toEqual(['practice_score_name_asked', 'practice_score_name_used']);
    expect(rule(card, 'caller-name').nudges).toEqual([]);
  });

  it('names the missing parts, the wrong order, a late name question and the reminder that came', () => {
    const card = new Call()
      .answer(6)
      .nudge(6, 'greeting', 'checklist')
      .say(12, 'offer')
      .caller(12.7, 'reason')
      .say(13, 'greet')
      .nudge(26, 'caller-name')
      .say(31, 'ask-name')
      .caller(31.7, 'name')
      .hangUp(40)
      .score('greeting-name');
    const greeting = rule(card, 'greeting');
    expect(greeting.verdict).toBe('improve');
    expect(greeting.improve).toEqual([
      { key: 'practice_score_greeting_missing', params: { parts: { list: ['practice_part_own_name', 'practice_part_organization'] } } },
      { key: 'practice_score_greeting_order' },
      { key: 'practice_score_greeting_late', params: { seconds: 6 } },
    ]);
    expect(renderScoreCard(card, 'lv').rules[0]!.improve[0]).toBe('Sveicienā pietrūka: jūsu vārds un organizācija.');
    expect(renderScoreCard(card, 'en').rules[0]!.improve[0]).toBe('Missing from the greeting: your name and the organization.');
    const name = rule(card, 'caller-name');
    expect(name.improve).toEqual([
      { key: 'practice_score_name_late', params: { seconds: 25, limit: 20 } },
      { key: 'practice_score_name_not_used' },
    ]);
    expect(name.nudges).toMatchObject([{ at: 26, why: { key: 'practice_why_caller_name', params: { seconds: 20 } } }]);
    expect(name.tips).toEqual([]);
    expect(renderScoreCard(card, 'en').rules[1]!.nudges[0]!.why).toBe('No caller’s name was noted on the call card 20 s after answering.');
  });

  it('asked in time but not noted on the card: good, with the card tip beside the reminder', () => {
    const card = new Call().answer(6).greet(6.5).say(9, 'ask-name').caller(9.7, 'name').nudge(26, 'caller-name').hangUp(30).score('greeting-name');
    const name = rule(card, 'caller-name');
    expect(name.verdict).toBe('improve'); // the name was never used
    expect(keys(name.wentWell)).toEqual(['practice_score_name_asked']);
    expect(keys(name.tips)).toEqual(['practice_tip_name_card']);
  });
});

describe('scenario (c) hold with permission and a check-back', () => {
  it('scores a hold asked for, agreed, short, and thanked for', () => {
    const card = new Call()
      .answer(6)
      .greet(6.5)
      .say(8, 'ask-hold')
      .caller(8.7, 'hold-yes')
      .hold(9)
      .nudge(9, 'hold-permission')
      .resume(29)
      .say(29.5, 'thank-hold')
      .caller(30.2, 'back-quick')
      .say(31, 'give-answer')
      .close(33)
      .hangUp(37)
      .score('hold');
    expect(card.rules.slice(0, 2).map((r) => [r.ruleId, r.verdict])).toEqual([
      ['hold-permission', 'good'],
      ['hold-check-back', 'good'],
    ]);
    expect(rule(card, 'hold-permission').wentWell).toEqual([{ key: 'practice_score_hold_asked', params: { count: 1 } }]);
    expect(rule(card, 'hold-permission').nudges[0]!.why.key).toBe('practice_why_hold_before');
    expect(rule(card, 'hold-check-back').wentWell).toEqual([
      { key: 'practice_score_hold_back_in_time', params: { seconds: 19.6, limit: 45 } },
      { key: 'practice_score_hold_thanked' },
    ]);
  });

  it('scores a hold without asking, too long, with the check-back nudge and why', () => {
    const card = new Call()
      .answer(6)
      .greet(6.5)
      .hold(9)
      .nudge(9, 'hold-permission')
      .nudge(54.4, 'hold-check-back')
      .resume(60)
      .caller(60.7, 'held-unasked')
      .say(61, 'give-answer')
      .close(63)
      .hangUp(67)
      .score('hold');
    const permission = rule(card, 'hold-permission');
    expect(permission.improve).toEqual([{ key: 'practice_score_hold_unasked', params: { count: 1 } }]);
    const checkBack = rule(card, 'hold-check-back');
    expect(checkBack.improve).toEqual([{ key: 'practice_score_hold_back_late', params: { seconds: 50.6, limit: 45 } }]);
    expect(keys(checkBack.tips)).toEqual(['practice_tip_hold_thank']);
    expect(checkBack.nudges).toMatchObject([{ why: { key: 'practice_why_check_back', params: { seconds: 45, limit: 45 } } }]);
    expect(renderScoreCard(card, 'lv').rules[1]!.nudges[0]!.why).toBe('Zvans bija aizturēts 45 s — pārbaudes intervāls ir 45 s.');
  });

  it('tells an agent who did not wait for the yes, and one whose caller gave up on hold', () => {
    const noWait = new Call().answer(6).greet(6.5).say(8, 'ask-hold').hold(8.2).resume(12).say(12.2, 'thank-hold').hangUp(20).score('hold');
    expect(keys(rule(noWait, 'hold-permission').improve)).toEqual(['practice_score_hold_no_wait']);
    const gaveUp = new Call().answer(6).greet(6.5).say(8, 'ask-hold').caller(8.7, 'hold-yes').hold(9).callerHangsUp(121.9, 'hold-too-long').score('hold');
    expect(gaveUp.outcome).toBe('caller-hung-up');
    expect(rule(gaveUp, 'hold-check-back').improve).toEqual([{ key: 'practice_score_hold_caller_left', params: { seconds: 112.5 } }]);
    // Nobody to close with: no closing score.
    expect(gaveUp.rules.some((r) => r.ruleId === 'closing')).toBe(false);
  });

  it('flags hanging up right after a hold as a likely accidental disconnect', () => {
    const card = new Call().answer(6).greet(6.5).say(8, 'ask-hold').caller(8.7, 'hold-yes').hold(9).hangUp(11).nudge(11.4, 'safe-hold').score('hold');
    const safe = rule(card, 'safe-hold');
    expect(safe.improve).toEqual([{ key: 'practice_score_safe_hold', params: { seconds: 2 } }]);
    expect(safe.nudges[0]!.why.key).toBe('practice_why_safe_hold');
  });
});

describe('scenario (d) transfer with permission', () => {
  it('scores a transfer announced to the right department', () => {
    const card = new Call()
      .answer(6)
      .greet(6.5)
      .say(9, 'announce-transfer', 'janis')
      .caller(9.7, 'transfer-ok')
      .transfer(10, 'janis', true)
      .nudge(10, 'transfer-permission')
      .nudge(12, 'closing', 'checklist')
      .score('transfer');
    expect(card.outcome).toBe('transferred');
    const transfer = rule(card, 'transfer-permission');
    expect(transfer.verdict).toBe('good');
    expect(transfer.wentWell).toEqual([
      { key: 'practice_score_transfer_announced', params: { colleague: 'Jānis Ozols', department: { en: 'billing', lv: 'rēķinu nodaļa' } } },
    ]);
    expect(transfer.nudges[0]!.why.key).toBe('practice_why_transfer_before');
    // The checklist after a transfer is listed with why, but a transfer is no closing to score.
    const closing = rule(card, 'closing');
    expect(closing.verdict).toBe('not-reached');
    expect(closing.nudges[0]!.why.key).toBe('practice_why_closing_after');
    expect(renderScoreCard(card, 'lv').rules[0]!.wentWell[0]).toBe(
      'Jūs pajautājāt un pateicāt zvanītājam, kam viņu pārsūtāt: Jānis Ozols, rēķinu nodaļa.',
    );
  });

  it('scores a transfer without a word, to the wrong department', () => {
    const card = new Call().answer(6).greet(6.5).transfer(9, 'liga', true).nudge(9, 'transfer-permission').score('transfer');
    expect(rule(card, 'transfer-permission').improve).toEqual([
      { key: 'practice_score_transfer_unannounced', params: { colleague: 'Līga Kalniņa', department: { en: 'technical support', lv: 'tehniskais atbalsts' } } },
      { key: 'practice_score_transfer_wrong', params: { department: { en: 'billing', lv: 'rēķinu nodaļa' } } },
    ]);
    expect(renderScoreCard(card, 'en').rules[0]!.improve[1]).toBe('The caller needed billing.');
  });

  it('scores a call that should have been transferred and was not', () => {
    const card = new Call().answer(6).greet(6.5).close(9).hangUp(13).score('transfer');
    expect(rule(card, 'transfer-permission').improve).toEqual([
      { key: 'practice_score_transfer_none', params: { department: { en: 'billing', lv: 'rēķinu nodaļa' } } },
    ]);
  });
});

describe('scenario (e) a message for a colleague who is out', () => {
  const opening = () => new Call().answer(6).greet(6.5).say(9, 'colleague-out', 'peteris').caller(9.7, 'message');

  it('scores a complete message', () => {
    const card = opening()
      .say(11, 'ask-name')
      .caller(11.7, 'name')
      .say(12, 'ask-number')
      .caller(12.7, 'number')
      .say(13, 'read-back')
      .caller(13.7, 'confirm')
      .say(14, 'promise-callback', 'peteris')
      .caller(14.7, 'callback-thanks')
      .close(15)
      .hangUp(19)
      .score('message');
    expect(card.rules[0]).toMatchObject({ ruleId: 'take-message', focus: true, verdict: 'good', wentWell: [{ key: 'practice_score_message_complete' }] });
  });

  it('lists what the message lacks', () => {
    const card = opening().say(11, 'ask-name').caller(11.7, 'name').say(12, 'read-back').caller(12.7, 'read-back-early').close(13).hangUp(17).score('message');
    const message = rule(card, 'take-message');
    expect(message.improve).toEqual([
      {
        key: 'practice_score_message_missing',
        params: { items: { list: ['practice_item_number', 'practice_item_read_back', 'practice_item_callback'] } },
      },
    ]);
    expect(renderScoreCard(card, 'en').rules[0]!.improve[0]).toBe(
      'Missing from the message: a number to call back, reading the message back and a call back within one business day.',
    );
  });

  it('advises against transferring to a colleague who is out, and flags a hang-up right after the failed transfer', () => {
    const card = new Call()
      .answer(6)
      .greet(6.5)
      .transfer(9, 'peteris', false, 13.4)
      .nudge(9, 'transfer-permission')
      .caller(14.1, 'transfer-failed')
      .hangUp(15)
      .score('message');
    expect(keys(rule(card, 'transfer-permission').tips)).toEqual(['practice_tip_transfer_failed']);
    expect(rule(card, 'safe-hold').improve).toEqual([{ key: 'practice_score_safe_hold', params: { seconds: 2 } }]);
    expect(keys(rule(card, 'take-message').improve)).toEqual(['practice_score_message_missing']);
  });
});

describe('scenario (f) a good closing', () => {
  it('scores recap, anything else and thanks before Hang up, with the checklist that came at the click', () => {
    const card = new Call().answer(6).greet(6.5).say(9, 'give-answer').close(10).hangUp(14).nudge(14, 'closing', 'checklist').score('closing');
    const closing = rule(card, 'closing');
    expect(closing).toMatchObject({ focus: true, verdict: 'good', wentWell: [{ key: 'practice_score_closing_all' }] });
    expect(closing.nudges[0]!.why.key).toBe('practice_why_closing_before');
  });

  it('names what was missing and the order, whoever hung up', () => {
    const missing = new Call().answer(6).greet(6.5).say(9, 'thank-you').hangUp(10).score('closing');
    expect(rule(missing, 'closing').improve).toEqual([
      { key: 'practice_score_closing_missing', params: { items: { list: ['practice_item_recap', 'practice_item_anything_else'] } } },
    ]);
    expect(renderScoreCard(missing, 'lv').rules[0]!.improve[0]).toBe(
      'Pirms zvana beigām pietrūka: apkopojums un jautājums “Vai varu vēl kā palīdzēt?”.',
    );
    const order = new Call().answer(6).greet(6.5).say(9, 'anything-else').say(10, 'recap').say(11, 'thank-you').callerHangsUp(16, 'done').nudge(16, 'closing', 'checklist').score('closing');
    const closing = rule(order, 'closing');
    expect(keys(closing.improve)).toEqual(['practice_score_closing_order']);
    expect(closing.nudges[0]!.why.key).toBe('practice_why_closing_after');
    expect(order.outcome).toBe('caller-hung-up');
  });

  it('notes a rule the team switched off, and counts nothing the call never reached', () => {
    const card = new Call().answer(6).greet(6.5).close(9).hangUp(13).score('closing', { ...RULES, enabled: { closing: false } });
    expect(keys(rule(card, 'closing').tips)).toEqual(['practice_tip_rule_off']);
    const early = new Call().answer(6).score('closing');
    expect(early.outcome).toBe('in-progress');
    expect(rule(early, 'closing')).toMatchObject({ verdict: 'not-reached', improve: [{ key: 'practice_score_not_reached' }] });
  });
});
