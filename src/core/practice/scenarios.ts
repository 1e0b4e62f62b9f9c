/**
 * The practice scenarios, drawn from the rules catalogue: pure data, and the caller's script
 * (what the simulated caller says, in English and Latvian, and what the agent can say). How
 * the caller reacts in time is caller.ts; what the score card checks is scoring.ts.
 *
 * Titles and goals of the scenarios are interface strings and live in `_locales`
 * (`practice_scenario_<id>_title|goal`); the dialogue is the scenarios' content and lives here.
 */
import type {
  AgentLineId,
  Bilingual,
  CallerLineId,
  ColleagueId,
  DepartmentId,
  Language,
  RuleId,
  ScenarioId,
} from './types';

export interface Department {
  /** For lists and the score card ("billing", "rēķinu nodaļa"). */
  name: Bilingual;
  /** As it follows "transferring you to" ("billing", "uz rēķinu nodaļu"). */
  to: Bilingual;
}

export const DEPARTMENTS: Readonly<Record<DepartmentId, Department>> = {
  billing: { name: { en: 'billing', lv: 'rēķinu nodaļa' }, to: { en: 'billing', lv: 'uz rēķinu nodaļu' } },
  support: { name: { en: 'technical support', lv: 'tehniskais atbalsts' }, to: { en: 'technical support', lv: 'uz tehnisko atbalstu' } },
  sales: { name: { en: 'sales', lv: 'pārdošanas nodaļa' }, to: { en: 'sales', lv: 'uz pārdošanas nodaļu' } },
};

export interface Colleague {
  id: ColleagueId;
  name: string;
  department: DepartmentId;
  /** In today: a transfer to them goes through. Out: it rings out and fails. */
  available: boolean;
}

/** The colleagues on the practice phone's transfer list. */
export const COLLEAGUES: readonly Colleague[] = [
  { id: 'janis', name: 'Jānis Ozols', department: 'billing', available: true },
  { id: 'liga', name: 'Līga Kalniņa', department: 'support', available: true },
  { id: 'peteris', name: 'Pēteris Liepa', department: 'sales', available: false },
];

export function colleagueOf(id: ColleagueId): Colleague {
  const colleague = COLLEAGUES.find((c) => c.id === id);
  if (!colleague) throw new Error(`unknown colleague ${id}`);
  return colleague;
}

export interface Scenario {
  id: ScenarioId;
  /** The rules the score card opens with: what this scenario practises. */
  focus: readonly RuleId[];
  /** What the phone shows of the caller (display name and number, as a softphone would). */
  caller: { name: string; number: string };
  /** The caller gives up after this many rings (most hang up after three or four). */
  abandonAfterRings: number;
  /** The caller's own lines; the rest come from CALLER_LINES. */
  lines: { reason: Bilingual; answerThanks: Bilingual; message?: Bilingual };
  /** What the agent can say that belongs to this call: the answer to the caller's question and its recap. */
  agent: { answer: Bilingual; recap: Bilingual };
  /** What the caller's question is about (a transfer to the wrong place is questioned). */
  topic: Bilingual;
  /** The department that can help, when the call should be transferred. */
  needs?: DepartmentId;
  /** The colleague the caller asks for, who is out today. */
  asksFor?: ColleagueId;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'answer-window',
    focus: ['answer-window', 'missed-call'],
    caller: { name: 'Marta Kalniņa', number: '+371 2612 3456' },
    abandonAfterRings: 4,
    lines: {
      reason: {
        en: 'Hello, I would like to know your opening hours on Saturday.',
        lv: 'Labdien! Gribēju uzzināt, kāds jums ir darba laiks sestdienā.',
      },
      answerThanks: { en: 'Great, thank you.', lv: 'Lieliski, paldies.' },
    },
    agent: {
      answer: { en: 'On Saturdays we are open from ten to two.', lv: 'Sestdienās strādājam no desmitiem līdz diviem.' },
      recap: { en: 'So: on Saturdays from ten to two.', lv: 'Tātad sestdienās no desmitiem līdz diviem.' },
    },
    topic: { en: 'opening hours', lv: 'darba laiku' },
  },
  {
    id: 'greeting-name',
    focus: ['greeting', 'caller-name'],
    caller: { name: 'Anna Bērziņa', number: '+371 2000 0000' },
    abandonAfterRings: 4,
    lines: {
      reason: {
        en: 'Hello, I would like to change the delivery address of my order.',
        lv: 'Labdien! Vēlos mainīt sava pasūtījuma piegādes adresi.',
      },
      answerThanks: { en: 'Wonderful, thank you.', lv: 'Brīnišķīgi, paldies.' },
    },
    agent: {
      answer: {
        en: 'Done: your order now goes to your new address.',
        lv: 'Gatavs — pasūtījums tiks piegādāts uz jauno adresi.',
      },
      recap: {
        en: 'To recap: I changed the delivery address of your order.',
        lv: 'Apkopojot: nomainīju jūsu pasūtījuma piegādes adresi.',
      },
    },
    topic: { en: 'my delivery address', lv: 'piegādes adresi' },
  },
  {
    id: 'hold',
    focus: ['hold-permission', 'hold-check-back'],
    caller: { name: 'Ilze Liepiņa', number: '+371 2911 1111' },
    abandonAfterRings: 4,
    lines: {
      reason: {
        en: 'Hello, could you check the status of my order 4711?',
        lv: 'Labdien! Vai varat pārbaudīt mana pasūtījuma 4711 statusu?',
      },
      answerThanks: { en: 'Good to know, thanks.', lv: 'Labi zināt, paldies.' },
    },
    agent: {
      answer: {
        en: 'I have checked: order 4711 leaves our warehouse tomorrow.',
        lv: 'Pārbaudīju: pasūtījums 4711 rīt tiks nosūtīts no noliktavas.',
      },
      recap: { en: 'To recap: order 4711 ships tomorrow.', lv: 'Apkopojot: pasūtījums 4711 tiks nosūtīts rīt.' },
    },
    topic: { en: 'my order', lv: 'pasūtījumu' },
  },
  {
    id: 'transfer',
    focus: ['transfer-permission'],
    caller: { name: 'Roberts Kalns', number: '+371 2722 2222' },
    abandonAfterRings: 4,
    lines: {
      reason: {
        en: 'Hello, I have a question about my last invoice.',
        lv: 'Labdien! Man ir jautājums par pēdējo rēķinu.',
      },
      answerThanks: { en: 'Thanks, but I still need someone from billing.', lv: 'Paldies, bet man tomēr vajag kādu no rēķinu nodaļas.' },
    },
    agent: {
      answer: { en: 'Our billing team can answer that best.', lv: 'Uz to vislabāk atbildēs mūsu rēķinu nodaļa.' },
      recap: { en: 'To recap: billing will look at your invoice.', lv: 'Apkopojot: rēķinu nodaļa izskatīs jūsu rēķinu.' },
    },
    topic: { en: 'my invoice', lv: 'rēķinu' },
    needs: 'billing',
  },
  {
    id: 'message',
    focus: ['take-message'],
    caller: { name: 'Kārlis Zariņš', number: '+371 2833 3333' },
    abandonAfterRings: 4,
    lines: {
      reason: {
        en: 'Hello, could I speak to Pēteris Liepa, please?',
        lv: 'Labdien! Vai varu runāt ar Pēteri Liepu?',
      },
      answerThanks: { en: 'Thank you.', lv: 'Paldies.' },
      message: {
        en: 'Oh, that is a pity. Please tell him the contract is signed, and ask him to call me back.',
        lv: 'Žēl. Lūdzu, pasakiet viņam, ka līgums ir parakstīts, un palūdziet viņu man atzvanīt.',
      },
    },
    agent: {
      answer: { en: 'I will make sure he gets the message.', lv: 'Parūpēšos, lai viņš saņem jūsu ziņu.' },
      recap: {
        en: 'To recap: Pēteris will call you back about the signed contract.',
        lv: 'Apkopojot: Pēteris jums atzvanīs par parakstīto līgumu.',
      },
    },
    topic: { en: 'a contract', lv: 'līgumu' },
    asksFor: 'peteris',
  },
  {
    id: 'closing',
    focus: ['closing'],
    caller: { name: 'Dace Ozola', number: '+371 2944 4444' },
    abandonAfterRings: 4,
    lines: {
      reason: {
        en: 'Hello, I would like to extend my subscription by a year.',
        lv: 'Labdien! Vēlos pagarināt savu abonementu vēl uz gadu.',
      },
      answerThanks: { en: 'Perfect, thank you.', lv: 'Lieliski, paldies.' },
    },
    agent: {
      answer: {
        en: 'Done: your subscription now runs until next December.',
        lv: 'Gatavs — jūsu abonements tagad ir spēkā līdz nākamā gada decembrim.',
      },
      recap: {
        en: 'To recap: I extended your subscription by one year, until next December.',
        lv: 'Apkopojot: pagarināju jūsu abonementu par gadu — līdz nākamā gada decembrim.',
      },
    },
    topic: { en: 'my subscription', lv: 'abonementu' },
  },
];

export const SCENARIO_IDS: readonly ScenarioId[] = SCENARIOS.map((s) => s.id);

export function scenarioOf(id: ScenarioId): Scenario {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown practice scenario ${id}`);
  return scenario;
}

/**
 * What the agent can say. Greeting parts are the team's (the configured greeting, filled in by
 * the page); these are the stand-ins when none is configured, equal to the coach's defaults.
 * Placeholders: {agent}, {organization}, {callerName}, {colleague}, {department}, {departmentTo},
 * {answer}, {recap}.
 */
export const AGENT_LINES: Readonly<Record<AgentLineId, Bilingual>> = {
  greet: { en: 'Hello,', lv: 'Labdien,' },
  'own-name': { en: 'this is {agent}', lv: 'runā {agent}' },
  organization: { en: 'with {organization}.', lv: 'no {organization}.' },
  offer: { en: 'How can I help you today?', lv: 'Kā varu jums palīdzēt?' },
  'ask-name': { en: 'May I have your name, please?', lv: 'Vai drīkstu uzzināt jūsu vārdu?' },
  'use-name': { en: 'Thank you, {callerName}.', lv: 'Paldies, {callerName}.' },
  'ask-hold': { en: 'May I put you on hold for a moment?', lv: 'Vai drīkstu uz brīdi aizturēt zvanu?' },
  'thank-hold': { en: 'Thank you for holding.', lv: 'Paldies, ka uzgaidījāt.' },
  'give-answer': { en: '{answer}', lv: '{answer}' },
  'announce-transfer': {
    en: 'I am transferring you to {colleague} in {departmentTo}.',
    lv: 'Pārsūtu jūsu zvanu {departmentTo} — jums atbildēs {colleague}.',
  },
  'colleague-out': {
    en: '{colleague} is out of the office today. May I take a message?',
    lv: '{colleague} šodien nav birojā. Vai vēlaties atstāt ziņu?',
  },
  'ask-number': { en: 'What number can we reach you on?', lv: 'Uz kuru numuru jums var atzvanīt?' },
  'read-back': { en: 'Let me read the message back to you.', lv: 'Ļaujiet man atkārtot jūsu ziņu.' },
  'promise-callback': {
    en: '{colleague} will call you back within one business day.',
    lv: '{colleague} jums atzvanīs vienas darba dienas laikā.',
  },
  recap: { en: '{recap}', lv: '{recap}' },
  'anything-else': { en: 'Is there anything else I can help you with?', lv: 'Vai varu jums vēl kā palīdzēt?' },
  'thank-you': { en: 'Thank you for calling. Have a good day!', lv: 'Paldies par zvanu! Jauku dienu!' },
};

/** The greeting's four parts, in the order they are said (the coach's greeting checklist). */
export const GREETING_LINES: readonly AgentLineId[] = ['greet', 'own-name', 'organization', 'offer'];

/** The closing's three parts, in order (the coach's closing checklist). */
export const CLOSING_LINES: readonly AgentLineId[] = ['recap', 'anything-else', 'thank-you'];

/**
 * The caller's generic lines. Placeholders: {callerName}, {number}, {topic}, and the
 * scenario's own lines for `reason`, `answer-thanks` and `message`.
 */
export const CALLER_LINES: Readonly<Record<Exclude<CallerLineId, 'reason' | 'answer-thanks' | 'message'>, Bilingual>> = {
  hello: { en: 'Hello? Is anyone there?', lv: 'Hallo? Vai tur kāds ir?' },
  name: { en: 'It is {callerName}.', lv: 'Mani sauc {callerName}.' },
  number: { en: 'You can reach me on {number}.', lv: 'Mans numurs ir {number}.' },
  'hold-yes': { en: 'Yes, of course.', lv: 'Jā, protams.' },
  'back-quick': { en: 'No problem.', lv: 'Nekas, viss kārtībā.' },
  'back-long': { en: 'That was quite a long wait.', lv: 'Nācās gaidīt diezgan ilgi.' },
  'held-unasked': { en: 'You put me on hold without even asking.', lv: 'Jūs aizturējāt zvanu, pat nepajautājot.' },
  'transfer-ok': { en: 'Okay, thank you.', lv: 'Labi, paldies.' },
  'transfer-wrong': {
    en: 'Is that the right place? My question is about {topic}.',
    lv: 'Vai tas ir pareizi? Mans jautājums ir par {topic}.',
  },
  'transfer-failed': { en: 'Hello? Nobody answered there.', lv: 'Hallo? Tur neviens neatbildēja.' },
  'not-asked-for': { en: 'But I did not ask for them.', lv: 'Bet es taču neprasīju viņu.' },
  confirm: { en: 'Yes, that is right.', lv: 'Jā, tieši tā.' },
  'read-back-early': {
    en: 'Wait, you do not have my name and number yet.',
    lv: 'Pagaidiet, jums vēl nav mana vārda un numura.',
  },
  'callback-thanks': { en: 'Thank you, that works for me.', lv: 'Paldies, tas man der.' },
  'nothing-else': { en: 'No, that is everything. Thank you.', lv: 'Nē, tas arī viss. Paldies.' },
  goodbye: { en: 'Thank you too. Goodbye!', lv: 'Jums arī paldies. Uz redzēšanos!' },
  pardon: { en: 'Sorry, could you say that again?', lv: 'Atvainojiet, vai varat atkārtot?' },
};

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Fill `{name}` placeholders in one pass; unknown ones stay as they are. */
export function fill(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(params, name) ? (params[name] ?? whole) : whole));
}

/** The caller's line `id` in `language`, filled in for `scenario`. */
export function callerLine(scenario: Scenario, id: CallerLineId, language: Language): string {
  const params = {
    callerName: scenario.caller.name,
    number: scenario.caller.number,
    topic: scenario.topic[language],
  };
  switch (id) {
    case 'reason':
      return scenario.lines.reason[language];
    case 'answer-thanks':
      return scenario.lines.answerThanks[language];
    case 'message':
      return (scenario.lines.message ?? CALLER_LINES['not-asked-for'])[language];
    default:
      return fill(CALLER_LINES[id][language], params);
  }
}
