/**
 * The browser of the tests that look at pages as a reader would: Debian's chromium
 * (`/usr/bin/chromium`, package chromium), driven by playwright-core, which downloads no browser.
 */
import { chromium, type Browser } from 'playwright-core';

/** Launches Debian's chromium, headless, without sandbox (tests run as root), nothing fetched in the background. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
