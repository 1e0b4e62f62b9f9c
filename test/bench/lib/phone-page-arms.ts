/**
 * The page-load A/B's set-up, for a test file: the SIP lab's softphone pages served by the bench
 * server, both arms launched, everything closed after the file. `phoneUrl()` is the JsSIP page,
 * whose UA opens its "sip" WebSocket during load to a socket that accepts and stays silent.
 */
import fs from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { buildPhones } from '../../e2e/sip-lab/build-phones';
import { launchArms, type Arm, type ArmName } from './arms';
import { startBenchServer, type BenchServer } from './bench-server';

export interface PhonePageArms {
  readonly arms: Record<ArmName, Arm>;
  phoneUrl(): string;
}

export function usePhonePageArms(): PhonePageArms {
  let server: BenchServer;
  let phonesDir: string;
  let close: () => Promise<void>;
  let arms: Record<ArmName, Arm>;
  beforeAll(async () => {
    phonesDir = await buildPhones();
    server = await startBenchServer({ phonesDir });
    ({ arms, close } = await launchArms(`${server.origin}/bench/blank.html`));
  });
  afterAll(async () => {
    await close?.();
    await server?.close();
    if (phonesDir) fs.rmSync(phonesDir, { recursive: true, force: true });
  });
  return {
    get arms() {
      return arms;
    },
    phoneUrl() {
      const q = new URLSearchParams({ ws: `${server.wsOrigin}/ws/silent`, user: 'agent', domain: '127.0.0.1', autoAnswer: '0' });
      return `${server.origin}/phones/jssip-phone.html?${q}`;
    },
  };
}
