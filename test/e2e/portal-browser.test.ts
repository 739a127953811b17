/**
 * The submitters' portal in a real browser (headless Chromium, phone-sized viewport) against the local runtime:
 * the invitation link opens the home page; "Check a draft" uploads a DOCX through the file chooser straight to
 * the local S3 (a presigned POST, no JavaScript) and lands on the report; "Submit this file" leads to a receipt
 * that follows the proposal to IN_REVIEW.
 */
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, loopbackContext } from '../../local/browser';
import { Driver, EXAMPLES_DIR } from '../../local/driver';
import { PortalJourney } from '../../local/portal-journey';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';

let runtime: LocalRuntime;
let driver: Driver;
let browser: Browser;
let context: BrowserContext;
let invitation: string;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([startLocalRuntime(), launchChromium()]);
  driver = new Driver(runtime);
  await driver.importRoster();
  await driver.importAgencies();
  const links = await new PortalJourney(driver).invite(['pemkab-sleman']);
  invitation = links.get('pemkab-sleman') ?? '';
  context = await loopbackContext(browser, 'phone');
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await runtime?.stop();
});

describe('an agency uses the portal on a phone', () => {
  it('checks a DOCX chosen in the file chooser, submits it and follows the receipt', async () => {
    const page = await context.newPage();
    const home = await page.goto(invitation);
    expect(home?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    // Usable on a phone: nothing wider than the screen.
    // Evaluated in the page (a string: this project's TypeScript has no DOM library).
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    )) as number;
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByRole('link', { name: 'Periksa draf' }).first().click();
    await page.waitForSelector('input[type="file"]');
    const chooser = page.waitForEvent('filechooser');
    await page.locator('input[type="file"]').click();
    await (await chooser).setFiles(join(EXAMPLES_DIR, 'proposals', '02-disdik-sleman-replikasi.docx'));
    await page.getByRole('button', { name: 'Periksa berkas' }).click();
    await page.waitForURL(/\/portal\/draft\?/);
    await expect(page.locator('.ok').first().textContent()).resolves.toContain(
      'Lolos pemeriksaan administrasi',
    );
    expect(await page.locator('table td').first().textContent()).toBeTruthy();

    await page.getByRole('button', { name: 'Kirim berkas ini' }).click();
    await page.waitForURL(/\/portal\/receipt\?/);
    await runtime.settle();
    await page.reload();
    await expect(page.locator('h1').textContent()).resolves.toBe('Tanda terima');
    await expect(page.locator('.status').first().textContent()).resolves.toBe('Sedang dinilai');
    const [proposal] = await driver.store.listByAgency('pemkab-sleman');
    expect(proposal?.status).toBe('IN_REVIEW');
    expect(proposal?.key).toMatch(/-02-disdik-sleman-replikasi\.docx$/);
  });
});
