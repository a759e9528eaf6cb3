import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The system Chromium (installed by .ci/run when missing); `npx playwright install` is not used. */
export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';

/** Set by .ci/run, which installs Chromium: a missing browser is then a failure, not a skip. */
export const BROWSER_REQUIRED = process.env.SWITCHYARD_REQUIRE_BROWSER === '1';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a loud notice, as the
 * PostgreSQL and Redis cases are without their servers, unless SWITCHYARD_REQUIRE_BROWSER=1.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (BROWSER_REQUIRED) throw new Error(`Chromium is required (SWITCHYARD_REQUIRE_BROWSER=1) but ${CHROMIUM} does not exist`);
  console.warn(
    `\n*** Chromium not found at ${CHROMIUM}: the console's browser test cases are SKIPPED. Install Debian's chromium package (.ci/run does) or point SWITCHYARD_CHROMIUM at one; set SWITCHYARD_REQUIRE_BROWSER=1 to make this a failure. ***\n`,
  );
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      // Two windows side by side (a dashboard watching a playground) must both keep running.
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      '--disable-renderer-backgrounding',
    ],
  });
}

export const LAPTOP = { width: 1366, height: 768 };
export const NARROW = { width: 390, height: 844 };

/** A fresh context (own cookies) whose page fails the test on any uncaught error in the console's code. */
export async function openPage(browser: Browser, baseURL: string, viewport = LAPTOP): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport, reducedMotion: 'reduce', locale: 'en-US', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.setDefaultTimeout(15_000);
  return { context, page, errors };
}
