/** prepared: a start-of-shift checklist (phone features known, greeting ready, nothing to eat at the desk), once per shift. No hook in the live coach yet. */
import * as v from 'valibot';
import { defineRule, ruleBase } from './rule';

export const preparedRule = defineRule({
  id: 'prepared',
  signal: 'agent',
  settings: v.strictObject({ ...ruleBase }),
  defaults: { enabled: true, severity: 'info' },
  thresholds: [],
  texts: [],
});
