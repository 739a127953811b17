/**
 * `npx tsx scripts/screenshots.ts [outdir]`: renders what a reviewer sees, on the local runtime in headless
 * Chromium, into docs/screenshots/ (or outdir):
 *   review-email.png           the review-task email (its HTML part, as a mail client shows it)
 *   review-invite-desktop.png  the invitation page, 1280x900
 *   review-invite-phone.png    the invitation page on a phone (390x844, device scale 2)
 *   review-form-phone.png      the score form on a phone, criteria filled in
 *   review-receipt-phone.png   the receipt after submitting, on a phone
 *   portal-email.png           an agency's invitation to the submitters' portal
 *   portal-home-phone.png      the portal's home on a phone
 *   portal-check-phone.png     "check a draft": the file chooser form
 *   portal-report-phone.png    the report of a draft with errors, each with its fix
 *   portal-receipt-phone.png   the receipt of a submission, following its status
 *   portal-guide-desktop.png   the submitters' guide, generated from the profile
 * The runtime is started and stopped by the script; nothing outside 127.0.0.1 is opened.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chooseScore, launchChromium, loopbackContext } from '../local/browser';
import { EXAMPLES_DIR } from '../local/driver';
import { PortalJourney } from '../local/portal-journey';
import type { Journey } from '../local/review-journey';
import { startJourney, taskEmails } from '../local/review-journey';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outdir = resolve(process.argv[2] ?? join(ROOT, 'docs', 'screenshots'));
const started = Date.now();
const say = (line: string) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

async function shoot(page: Page, name: string, fullPage: boolean): Promise<void> {
  const path = join(outdir, name);
  await page.screenshot({ path, fullPage, animations: 'disabled' });
  // Evaluated in the page (a string, since this project's TypeScript has no DOM library).
  const size = (await page.evaluate(
    '({ width: document.documentElement.scrollWidth, viewport: window.innerWidth })',
  )) as { width: number; viewport: number };
  // A page wider than the viewport scrolls sideways on a phone: say so next to the file written.
  const overflow =
    size.width > size.viewport ? ` (WARNING: content ${size.width}px wide > ${size.viewport}px)` : '';
  say(`Wrote ${path}${overflow}`);
}

let journey: Journey | undefined;
let browser: Browser | undefined;
const contexts: BrowserContext[] = [];
try {
  mkdirSync(outdir, { recursive: true });
  say('Starting the local runtime and uploading one valid example proposal ...');
  [journey, browser] = await Promise.all([startJourney(), launchChromium()]);
  const { driver } = journey;
  const emails = await taskEmails(driver);
  // The Indonesian version is the default everyone sees first.
  const task = emails.find((e) => e.lang === 'id') ?? emails[0];
  if (!task) throw new Error('No review-task email was sent');
  const sent = (await driver.emails()).find((e) => e.messageId === task.messageId);
  if (!sent?.body.html) throw new Error('The review-task email has no HTML part');

  // The email as a mail client renders it: its own HTML, no network (the page route blocks anything remote).
  const mail = await loopbackContext(browser, 'desktop');
  contexts.push(mail);
  const mailPage = await mail.newPage();
  await mailPage.setViewportSize({ width: 800, height: 900 });
  await mailPage.setContent(sent.body.html, { waitUntil: 'load' });
  await shoot(mailPage, 'review-email.png', true);

  const desktop = await loopbackContext(browser, 'desktop');
  contexts.push(desktop);
  const invite = await desktop.newPage();
  await invite.goto(task.link);
  await shoot(invite, 'review-invite-desktop.png', false);

  const phone = await loopbackContext(browser, 'phone');
  contexts.push(phone);
  const page = await phone.newPage();
  await page.goto(task.link);
  await shoot(page, 'review-invite-phone.png', true);

  await page.locator('form:has(input[name="action"][value="accept"]) button[type="submit"]').click();
  await page.waitForSelector('input[name="action"][value="submit"]', { state: 'attached' });
  const { criteria } = driver.profile.scoring;
  const scores = driver.scoresFor(task.link);
  for (const c of criteria) await chooseScore(page, c.id, scores[c.id] ?? driver.profile.scoring.scaleMax);
  await page.fill(
    'textarea[name="comment"]',
    'Alur rujukan jelas dan terukur; mohon lengkapi data waktu tunggu sebelum dan sesudah inovasi.',
  );
  // Focus off the comment box, so the picture shows the form at rest.
  await page.locator('textarea[name="comment"]').blur();
  await shoot(page, 'review-form-phone.png', true);

  await page.locator('form:has(input[name="action"][value="submit"]) button[type="submit"]').click();
  await page.locator('[role="status"]').waitFor();
  await shoot(page, 'review-receipt-phone.png', true);

  say("Inviting two example agencies to the submitters' portal ...");
  await driver.importAgencies();
  const portal = new PortalJourney(driver);
  const links = await portal.invite(['pemkot-bandung', 'pemkab-sleman']);
  const invitation = (await driver.emails()).find((e) =>
    e.body.text?.includes(links.get('pemkab-sleman') ?? '-'),
  );
  if (!invitation?.body.html) throw new Error('The invitation email has no HTML part');
  await mailPage.setContent(invitation.body.html, { waitUntil: 'load' });
  await shoot(mailPage, 'portal-email.png', true);

  const agency = await phone.newPage();
  await agency.goto(links.get('pemkab-sleman') ?? '');
  await shoot(agency, 'portal-home-phone.png', true);
  await agency.goto(portal.url(links.get('pemkab-sleman') ?? '', '/check'));
  await shoot(agency, 'portal-check-phone.png', true);
  // A draft with errors: the report with each fix (the example whose summary is over its limit).
  const bandung = await phone.newPage();
  await bandung.goto(portal.url(links.get('pemkot-bandung') ?? '', '/check'));
  await bandung
    .locator('input[type="file"]')
    .setInputFiles(join(EXAMPLES_DIR, 'proposals', '06-dp3a-bandung-ringkasan-panjang.md'));
  await bandung.locator('button[type="submit"]').click();
  await bandung.waitForURL(/\/portal\/draft\?/);
  await shoot(bandung, 'portal-report-phone.png', true);
  // A valid DOCX submitted from its report, then the receipt once the pipeline has it in review.
  await agency
    .locator('input[type="file"]')
    .setInputFiles(join(EXAMPLES_DIR, 'proposals', '02-disdik-sleman-replikasi.docx'));
  await agency.locator('button[type="submit"]').click();
  await agency.waitForURL(/\/portal\/draft\?/);
  await agency.locator('form[method="post"] button[type="submit"]').click();
  await agency.waitForURL(/\/portal\/receipt\?/);
  await journey.runtime.settle();
  await agency.reload();
  await shoot(agency, 'portal-receipt-phone.png', true);
  const guide = await desktop.newPage();
  await guide.goto(portal.url(links.get('pemkab-sleman') ?? '', '/guide'));
  await shoot(guide, 'portal-guide-desktop.png', false);
  say('Done.');
} catch (error) {
  process.exitCode = 1;
  process.stderr.write(`Screenshots failed: ${(error as Error).stack ?? error}\n`);
} finally {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close().catch(() => {});
  await journey?.runtime.stop();
}
// The SDK clients' keep-alive sockets would hold the event loop open after the runtime stopped.
process.exit();
