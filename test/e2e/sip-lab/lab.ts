/**
 * One-call setup of the whole SIP lab: Kamailio + built phone pages + static server.
 *
 *   const lab = await startSipLab();
 *   const agent = await openPhone(ctx, 'jssip', lab.phoneParams('agent'));
 *   ...
 *   await lab.stop();
 */
import fs from 'node:fs';
import { buildPhones } from './build-phones';
import type { PhoneParams } from './browsers';
import { startSipServer, type SipServer, type StartSipServerOptions } from './sip-server';
import { startStaticServer, type StaticServer } from './static-server';

export interface SipLab {
  sip: SipServer;
  pages: StaticServer;
  /** Directory with the built phone pages. */
  phonesDir: string;
  /** Parameters for openPhone()/phoneUrl() for a user of this lab. */
  phoneParams(user: string, extra?: Partial<PhoneParams>): PhoneParams;
  stop(): Promise<void>;
}

export async function startSipLab(options: { sip?: StartSipServerOptions; phonesDir?: string } = {}): Promise<SipLab> {
  // Start Kamailio and build the pages in parallel.
  const [sipResult, dirResult] = await Promise.allSettled([startSipServer(options.sip), buildPhones(options.phonesDir)]);
  if (sipResult.status === 'rejected' || dirResult.status === 'rejected') {
    if (sipResult.status === 'fulfilled') await sipResult.value.stop();
    throw sipResult.status === 'rejected' ? sipResult.reason : (dirResult as PromiseRejectedResult).reason;
  }
  const sip = sipResult.value;
  const phonesDir = dirResult.value;
  let pages: StaticServer;
  try {
    pages = await startStaticServer(phonesDir);
  } catch (e) {
    await sip.stop();
    throw e;
  }
  return {
    sip,
    pages,
    phonesDir,
    phoneParams: (user, extra = {}) => ({ origin: pages.origin, wsUrl: sip.wsUrl, domain: sip.domain, user, ...extra }),
    stop: async () => {
      await Promise.allSettled([pages.close(), sip.stop()]);
      if (!options.phonesDir) fs.rmSync(phonesDir, { recursive: true, force: true });
    },
  };
}
