import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium), or CCHECK_CHROMIUM. */
export const CHROMIUM = process.env.CCHECK_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless Chromium as this machine needs it: no sandbox as root, and no background networking,
 * whose connections the closed network would refuse (see the workplace's STACK-NOTES).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
