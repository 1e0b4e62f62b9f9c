import { describe, expect, it } from 'vitest';
import { recognise } from '../../../src/core/practice/intents';

const ctx = { agentName: 'Gene', organization: 'Du Bois Services' };
const lines = (text: string, context = ctx) => recognise(text, context).map((r) => r.line);

describe('what a typed line says', () => {
  it('finds the four parts of a whole greeting, in order, in English and Latvian', () => {
    expect(lines('Hello, this is Gene with Du Bois Services. How can I help you today?')).toEqual(['greet', 'own-name', 'organization', 'offer']);
    expect(lines('Labdien, runā Gene no Du Bois Services. Kā varu jums palīdzēt?')).toEqual(['greet', 'own-name', 'organization', 'offer']);
    expect(lines('Hello, this is Gene from Acme.', { agentName: '', organization: '' })).toEqual(['greet', 'own-name', 'organization']);
  });

  it('tells "may I put you on hold" from "thank you for holding"', () => {
    expect(lines('May I put you on hold for a moment?')).toEqual(['ask-hold']);
    expect(lines('Vai drīkstu uz brīdi aizturēt zvanu?')).toEqual(['ask-hold']);
    expect(lines('Thank you for holding.')).toEqual(['thank-hold']);
    expect(lines('Paldies, ka uzgaidījāt.')).toEqual(['thank-hold']);
  });

  it('finds the closing lines and the name question', () => {
    expect(lines('To recap: your order ships tomorrow. Is there anything else I can help you with?')).toEqual(['recap', 'anything-else']);
    expect(lines('Thank you for calling, goodbye!')).toEqual(['thank-you']);
    expect(lines('Paldies par zvanu!')).toEqual(['thank-you']);
    expect(lines('May I have your name, please?')).toEqual(['ask-name']);
    expect(lines('Vai drīkstu uzzināt jūsu vārdu?')).toEqual(['ask-name']);
  });

  it('names the colleague of a transfer or a message', () => {
    expect(recognise('I am transferring you to Jānis in billing.', ctx)).toEqual([{ line: 'announce-transfer', colleague: 'janis' }]);
    expect(recognise('Pēteris is out of the office today.', ctx)).toEqual([{ line: 'colleague-out', colleague: 'peteris' }]);
    expect(recognise('Pēteris jums atzvanīs rīt.', ctx)).toEqual([{ line: 'promise-callback', colleague: 'peteris' }]);
  });

  it('recognises nothing in small talk', () => {
    expect(lines('What a lovely day')).toEqual([]);
  });
});
