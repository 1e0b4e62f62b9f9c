/** voice-pace: dead air over `deadAirSeconds` while connected and not on hold. Needs an audio source the product lacks: configurable, silent. */
import * as v from 'valibot';
import { defineRule, ruleBase, numberIn } from './rule';

export const voicePaceRule = defineRule({
  id: 'voice-pace',
  signal: 'audio',
  settings: v.strictObject({ ...ruleBase, deadAirSeconds: numberIn(1, 600) }),
  defaults: { enabled: false, severity: 'info', deadAirSeconds: 10 },
  thresholds: [{ key: 'deadAirSeconds', unit: 'seconds', min: 1, max: 600 }],
  texts: [],
});
