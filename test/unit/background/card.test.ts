import { describe, expect, it } from 'vitest';
import { cardOf, cardStateOf, greetingItems } from '../../../src/background/card';
import { parseCoachConfig, type CoachConfig } from '../../../src/core/coach';
import { playCalls } from '../core/recorded-history';
import type { TakenMessage } from '../../../src/core/messages-taken';

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

function config(input: unknown = {}, agentName?: string): CoachConfig {
  const parsed = parseCoachConfig({ version: 1, ...(input as object) });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return agentName === undefined ? parsed.config : { ...parsed.config, agentName };
}

describe('the call card of a record', () => {
  it('follows the call: ringing, connected, on hold, ended, missed', () => {
    const [ringing] = playCalls((p) => p.inbound('a', s(0), { displayName: 'Anna', number: '+37120000000' }));
    expect(cardStateOf(ringing!)).toBe('ringing');
    const [held] = playCalls((p) => {
      p.inbound('a', s(0));
      p.answered('a', s(6));
      p.held('a', s(20));
    });
    const card = cardOf(held!, config());
    expect(card).toMatchObject({ state: 'on-hold', holdSince: s(20), answeredAt: s(6), startedAt: s(0) });
    const [ended] = playCalls((p) => {
      p.inbound('a', s(0));
      p.answered('a', s(6));
      p.ended('a', s(60));
    });
    expect(cardOf(ended!, config())).toMatchObject({ state: 'ended', endedAt: s(60) });
    expect(cardOf(ended!, config()).holdSince).toBeUndefined();
    const [missed] = playCalls((p) => {
      p.inbound('a', s(0));
      p.missed('a', s(8));
    });
    expect(cardOf(missed!, config()).state).toBe('missed');
    const [outbound] = playCalls((p) => p.outbound('b', s(0)));
    expect(cardOf(outbound!, config()).state).toBe('dialing');
  });

  it("fills the team's greeting in with the agent's name and the organization, from the answer on", () => {
    const [ringing] = playCalls((p) => p.inbound('a', s(0)));
    expect(cardOf(ringing!, config({ organization: 'Acme' }, 'Anna')).greeting).toBeUndefined();
    const [answered] = playCalls((p) => {
      p.inbound('a', s(0));
      p.answered('a', s(6));
    });
    const card = cardOf(answered!, config({ organization: 'Acme' }, 'Anna'));
    expect(card.greeting?.items.map((i) => i.text)).toEqual(['Hello,', 'this is Anna', 'with Acme.', 'How can I help you today?']);
    expect(card.greeting?.items.map((i) => i.id)).toEqual(['greeting', 'ownName', 'organization', 'offer']);
    expect(card.greeting?.checked).toEqual([]);
    // In Latvian, and with the team's own template.
    const lv = greetingItems(config({ language: 'lv', organization: 'Acme', greeting: { lv: { offer: 'Ar ko varu palīdzēt?' } } }, 'Anna'));
    expect(lv.map((i) => i.text)).toEqual(['Labdien,', 'runā Anna', 'no Acme.', 'Ar ko varu palīdzēt?']);
  });

  it('leaves out the greeting parts that are not known yet, never a stand-in, and says what to set up', () => {
    const [answered] = playCalls((p) => {
      p.inbound('a', s(0));
      p.answered('a', s(6));
    });
    const none = cardOf(answered!, config());
    expect(none.greeting?.items.map((i) => i.text)).toEqual(['Hello,', 'How can I help you today?']);
    expect(none.greeting?.missing).toEqual(['agent-name', 'organization']);
    expect(none.greeting?.setupNote).toMatch(/^Add your name and organization in the options/);
    expect(cardOf(answered!, config({ language: 'lv' })).greeting?.setupNote).toMatch(/^Pievienojiet savu vārdu/);
    expect(JSON.stringify(none)).not.toMatch(/\(your (name|organization)\)/);
    const noOrganization = cardOf(answered!, config({}, 'Anna'));
    expect(noOrganization.greeting?.items.map((i) => i.id)).toEqual(['greeting', 'ownName', 'offer']);
    expect(noOrganization.greeting?.missing).toEqual(['organization']);
    const noName = cardOf(answered!, config({ organization: 'Acme' }, '  '));
    expect(noName.greeting?.items.map((i) => i.text)).toEqual(['Hello,', 'with Acme.', 'How can I help you today?']);
    expect(noName.greeting?.missing).toEqual(['agent-name']);
    expect(cardOf(answered!, config({ organization: 'Acme' }, 'Anna')).greeting).not.toHaveProperty('missing');
    expect(cardOf(answered!, config({ organization: 'Acme' }, 'Anna')).greeting).not.toHaveProperty('setupNote');
  });

  it("shows the greeting parts ticked and the caller's name noted, as the record keeps them", () => {
    const [record] = playCalls((p) => {
      p.inbound('a', s(0));
      p.answered('a', s(6));
    });
    const card = cardOf({ ...record!, greetingChecked: ['greeting', 'offer'], callerName: 'Jānis' }, config());
    expect(card.greeting?.checked).toEqual(['greeting', 'offer']);
    expect(card.callerName).toBe('Jānis');
  });

  it('has no greeting on an outbound call, nor with the rule off', () => {
    const [outbound] = playCalls((p) => {
      p.outbound('b', s(0));
      p.answered('b', s(5), 'outbound');
    });
    expect(cardOf(outbound!, config()).greeting).toBeUndefined();
  });

  it('shows the closing checklist once the coach showed it, with its nudge key and ticks', () => {
    const [record] = playCalls((p) => {
      p.inbound('a', s(0));
      p.answered('a', s(6));
      p.ended('a', s(60));
      p.closeOut('a', s(65));
    });
    const card = cardOf(record!, config());
    expect(card.closing?.key).toBe(record!.nudges.find((n) => n.ruleId === 'closing')!.key);
    expect(card.closing?.items.map((i) => i.id)).toEqual(['recap', 'anything-else', 'thank']);
    expect(card.closing?.checked).toEqual(['recap', 'anything-else', 'thank']);
  });

  it("lists the call's messages with their status, in the record's order, leaving out those not found", () => {
    const [record] = playCalls((p) => {
      p.inbound('a', s(0));
      p.answered('a', s(6));
    });
    const message = (id: string, status: TakenMessage['status']): TakenMessage => ({
      id,
      callerName: 'Jānis',
      forWhom: `for ${id}`,
      callbackWanted: false,
      text: 'x',
      status,
      createdAt: s(10),
    });
    const card = cardOf({ ...record!, messages: ['m1', 'gone', 'm2'] }, config(), [message('m2', 'delivered'), message('m1', 'to-deliver')]);
    expect(card.messages).toEqual([
      { id: 'm1', forWhom: 'for m1', status: 'to-deliver' },
      { id: 'm2', forWhom: 'for m2', status: 'delivered' },
    ]);
  });
});
