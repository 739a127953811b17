/**
 * Headless Chromium for the reviewer-facing pages: Debian's `chromium` package driven by playwright-core.
 * Only loopback URLs are opened (the local runtime's review API); anything else is refused by the page route.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class BrowserMissingError extends Error {
  override name = 'BrowserMissingError';
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new BrowserMissingError(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;

/** A browser context that can only reach 127.0.0.1 (and in-page data: / about: URLs). */
export async function loopbackContext(
  browser: Browser,
  device: keyof typeof VIEWPORTS = 'desktop',
  locale = 'id-ID',
): Promise<BrowserContext> {
  const context = await browser.newContext({ ...VIEWPORTS[device], locale, timezoneId: 'Asia/Jakarta' });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'about:' || url.hostname === '127.0.0.1')
      return route.continue();
    return route.abort('blockedbyclient');
  });
  return context;
}

/** Picks a score on the page's scale: the radio itself is visually hidden, so the person clicks its label. */
export async function chooseScore(page: Page, criterionId: string, value: number): Promise<void> {
  await page.locator(`label:has(input[name="scores.${criterionId}"][value="${value}"])`).click();
}
