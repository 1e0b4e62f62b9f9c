/**
 * What a line the agent typed on the practice phone says, in English or Latvian: the agent
 * lines it contains, in the order they were said ("Hello, this is Gene with Du Bois Services.
 * How can I help you today?" is the whole greeting). A closed table of patterns, no guessing
 * beyond it: a line that matches nothing is "not understood" and the caller asks again.
 */
import { COLLEAGUES } from './scenarios';
import type { AgentLineId, ColleagueId } from './types';

export interface Recognised {
  line: AgentLineId;
  /** A colleague named in the line (for a transfer or a colleague who is out). */
  colleague?: ColleagueId;
}

export interface IntentContext {
  agentName: string;
  organization: string;
}

/** Patterns per line; each may match anywhere. Order matters where one line contains another's words. */
const PATTERNS: readonly [AgentLineId, RegExp][] = [
  ['thank-hold', /thank(s| you) for (holding|waiting)|paldies,? ka (uz)?gaidījāt/i],
  ['ask-hold', /\bhold\b|aizturē|uzgaid/i],
  ['greet', /^\s*(hello|hi|good (morning|afternoon|evening)|labdien|labrīt|labvakar|sveiki)\b/i],
  ['own-name', /\bthis is\b|\bmy name is\b|(^|[\s,])runā(?=[\s,]|$)|\bmani sauc\b/i],
  ['offer', /how (can|may) i help|help you today|what can i do for you|kā (es )?varu (jums )?palīdzēt/i],
  ['ask-name', /your name|who('s| is) calling|jūsu vārd|kā jūs sauc|ar ko runāju/i],
  ['announce-transfer', /transfer|put you through|connect you|pārsūt|savienoš/i],
  ['colleague-out', /out of (the )?office|not in today|is away|nav birojā|nav uz vietas|prombūtnē|atvaļinājumā/i],
  ['ask-number', /number|reach you|call you on|numur|sazināties/i],
  ['read-back', /read (it|that|the message) back|repeat the message|atkārto|pārlasīš/i],
  ['promise-callback', /call you back|return your call|atzvanīs|atzvanīsim/i],
  ['recap', /to recap|to sum up|in summary|apkopojot|rezumējot/i],
  ['anything-else', /anything else|vēl kā palīdzēt|vēl kaut kas|vēl ko/i],
  ['thank-you', /thank you for calling|thanks for calling|paldies par zvanu|goodbye|uz redzēšanos/i],
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The agent lines in `text`, in the order they appear. */
export function recognise(text: string, context: IntentContext): Recognised[] {
  const found: { line: AgentLineId; index: number }[] = [];
  const add = (line: AgentLineId, index: number) => {
    if (index >= 0 && !found.some((f) => f.line === line)) found.push({ line, index });
  };
  for (const [line, pattern] of PATTERNS) {
    const match = pattern.exec(text);
    if (match) add(line, match.index);
  }
  // "thank you for holding" is not "put on hold".
  const thankHold = found.find((f) => f.line === 'thank-hold');
  if (thankHold) {
    const i = found.findIndex((f) => f.line === 'ask-hold');
    if (i >= 0 && !/\bmay i\b|\bcan i\b|vai drīkstu|vai varu/i.test(text)) found.splice(i, 1);
  }
  const agent = context.agentName.trim();
  if (agent) add('own-name', text.toLowerCase().indexOf(agent.toLowerCase()));
  const organization = context.organization.trim();
  if (organization) {
    const at = text.toLowerCase().indexOf(organization.toLowerCase());
    if (at >= 0) add('organization', at);
  } else {
    const match = /\b(with|from)\s+[A-ZĀ-Ž]\w+|\bno\s+[A-ZĀ-Ž]\w+/u.exec(text);
    if (match) add('organization', match.index);
  }
  const colleague = COLLEAGUES.find((c) => new RegExp(escape(c.name.slice(0, 4)), 'i').test(text))?.id;
  return found
    .sort((a, b) => a.index - b.index)
    .map(({ line }) =>
      colleague && (line === 'announce-transfer' || line === 'colleague-out' || line === 'promise-callback') ? { line, colleague } : { line },
    );
}
