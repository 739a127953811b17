/**
 * The reviewer's side in a real browser (headless Chromium) against the local runtime: the link from the
 * review-task email opens the invitation, Accept leads to the score form, Submit to a receipt; Decline with a
 * reason leads to a receipt and a replacement reviewer; used and tampered links do what a reviewer expects.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProposalView } from '../../functions/lib/adapters/proposals';
import { chooseScore, launchChromium, loopbackContext } from '../../local/browser';
import { type Journey, startJourney, type TaskEmail, taskEmails } from '../../local/review-journey';
import { expectedWeightedScore, RECEIPT_TEXT } from './support/journey';
import { tamperSignature } from './support/links';

const DECLINE_REASON =
  'Saya pernah menjadi narasumber untuk instansi pengusul tahun lalu (konflik kepentingan).';
const COMMENT =
  'Alur rujukan jelas dan terukur; mohon lengkapi data waktu tunggu sebelum dan sesudah inovasi.';

let journey: Journey;
let browser: Browser;
let context: BrowserContext;
let first: TaskEmail[];
let accepter: TaskEmail;
let decliner: TaskEmail;

/** What the proposal looks like, without the fields that change with every read. */
function snapshot(view: ProposalView | undefined) {
  return {
    status: view?.status,
    seq: view?.seq,
    reviews: view?.reviews.map((r) => ({ reviewerId: r.reviewerId, status: r.status, score: r.score })),
    history: view?.history.length,
  };
}

async function open(link: string): Promise<{ page: Page; status: number }> {
  const page = await context.newPage();
  const response = await page.goto(link);
  return { page, status: response?.status() ?? 0 };
}

describe('a reviewer answers a review task in the browser', () => {
  beforeAll(async () => {
    [journey, browser] = await Promise.all([startJourney(), launchChromium()]);
    context = await loopbackContext(browser, 'desktop');
    first = await taskEmails(journey.driver);
    // An Indonesian-speaking reviewer accepts (the default language) when one was chosen: who reviews depends on
    // the proposal's id (the assignment's tie-break), new with every upload, and now and then all three chosen
    // read English. The pages are checked in the accepter's language either way; another reviewer declines.
    accepter = first.find((e) => e.lang === 'id') ?? (first[0] as TaskEmail);
    if (!accepter) throw new Error('No review task email was sent');
    const other = first.find((e) => e !== accepter);
    if (!other) throw new Error('Fewer than two reviewers were assigned');
    decliner = other;
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await journey?.runtime.stop();
  });

  it('sends one review-task email per reviewer the profile asks for', async () => {
    expect(first).toHaveLength(journey.driver.profile.review.reviewersPerProposal);
    expect(new Set(first.map((e) => e.to)).size).toBe(first.length);
    const view = await journey.driver.store.view(journey.proposalId);
    expect(view?.status).toBe('IN_REVIEW');
  });

  it('accepting, scoring every criterion and submitting shows a receipt with the weighted score', async () => {
    const { page, status } = await open(accepter.link);
    expect(status).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe(accepter.lang);
    const proposal = await journey.driver.store.require(journey.proposalId);
    await expect(page.locator('h1').textContent()).resolves.toBe(proposal.title);

    await page.locator('form:has(input[name="action"][value="accept"]) button[type="submit"]').click();
    await page.waitForSelector('input[name="action"][value="submit"]', { state: 'attached' });

    const criteria = journey.driver.profile.scoring.criteria;
    const { scaleMin, scaleMax } = journey.driver.profile.scoring;
    // A different mark per criterion, all inside the scale, so a mix-up between criteria would show.
    const scores = Object.fromEntries(
      criteria.map((c, i) => [c.id, Math.min(scaleMax, scaleMin + 4 + i)]),
    ) as Record<string, number>;
    for (const c of criteria) await chooseScore(page, c.id, scores[c.id] as number);
    await page.fill('textarea[name="comment"]', COMMENT);
    await page.locator('form:has(input[name="action"][value="submit"]) button[type="submit"]').click();

    const receipt = page.locator('[role="status"]');
    await receipt.waitFor();
    await expect(receipt.textContent()).resolves.toMatch(RECEIPT_TEXT.submit[accepter.lang]);
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain(COMMENT);
    await expect(page.locator('textarea, input[type="radio"]').count()).resolves.toBe(0);

    const view = await journey.driver.store.view(journey.proposalId);
    const task = view?.reviews.find((r) => r.reviewId === new URL(accepter.link).searchParams.get('r'));
    expect(task?.status).toBe('SUBMITTED');
    expect(task?.scores).toEqual(scores);
    expect(task?.comment).toBe(COMMENT);
    const weighted = expectedWeightedScore(journey.driver, scores);
    expect(task?.score).toBeCloseTo(weighted, 2);
    // The receipt shows the same figure, written the reader's way (Indonesian: decimal comma).
    const shown = (await page.locator('dd strong').textContent()) ?? '';
    const number =
      accepter.lang === 'id' ? shown.replace(/\./g, '').replace(',', '.') : shown.replace(/,/g, '');
    expect(Number(number)).toBeCloseTo(weighted, 2);
    await page.close();
  });

  it('declining with a reason shows a receipt with that reason and emails a replacement reviewer', async () => {
    const { page, status } = await open(decliner.link);
    expect(status).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe(decliner.lang);
    await page.fill('textarea[name="reason"]', DECLINE_REASON);
    await page.locator('form:has(input[name="action"][value="decline"]) button[type="submit"]').click();
    const receipt = page.locator('[role="status"]');
    await receipt.waitFor();
    await expect(receipt.textContent()).resolves.toMatch(RECEIPT_TEXT.decline[decliner.lang]);
    await expect(page.locator('main').textContent()).resolves.toContain(DECLINE_REASON);
    await page.close();

    await journey.runtime.settle();
    const now = await taskEmails(journey.driver);
    const fresh = now.filter((e) => !first.some((f) => f.messageId === e.messageId));
    expect(fresh).toHaveLength(1);
    expect(first.map((e) => e.to)).not.toContain(fresh[0]?.to);

    const view = await journey.driver.store.view(journey.proposalId);
    const declined = view?.reviews.find((r) => r.status === 'DECLINED');
    expect(declined?.declineReason).toBe(DECLINE_REASON);
    expect(view?.history.map((h) => h.note).join('\n')).toMatch(/declined; looking for a replacement/);
    expect(view?.history.map((h) => h.note).join('\n')).toMatch(/Reassigned to /);
  });

  it('reopening a link already answered shows the receipt again, not the form', async () => {
    for (const [email, text] of [
      [accepter, RECEIPT_TEXT.submit[accepter.lang]],
      [decliner, RECEIPT_TEXT.decline[decliner.lang]],
    ] as const) {
      const { page, status } = await open(email.link);
      expect(status).toBe(200);
      await expect(page.locator('[role="status"]').textContent()).resolves.toMatch(text);
      await expect(page.locator('form').count()).resolves.toBe(0);
      await page.reload();
      await expect(page.locator('form').count()).resolves.toBe(0);
      await page.close();
    }
  });

  it('a link whose signature was altered shows the "link not valid" page with 403 and changes nothing', async () => {
    const pending = first.find((e) => e !== accepter && e !== decliner);
    if (!pending) throw new Error('No third reviewer');
    const before = snapshot(await journey.driver.store.view(journey.proposalId));
    const { page, status } = await open(tamperSignature(pending.link));
    expect(status).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('Tautan tidak sah');
    await expect(page.locator('form').count()).resolves.toBe(0);
    await page.close();
    // A forged POST is refused the same way.
    const forgedPost = await journey.driver.post(tamperSignature(pending.link), {
      action: 'decline',
      reason: 'Tidak sempat.',
    });
    expect(forgedPost.status).toBe(403);
    expect(snapshot(await journey.driver.store.view(journey.proposalId))).toEqual(before);
  });

  it('on a phone the invitation fits the screen width and its buttons are large enough to tap', async () => {
    const pending = first.find((e) => e !== accepter && e !== decliner);
    if (!pending) throw new Error('No third reviewer');
    const phone = await loopbackContext(browser, 'phone');
    try {
      const page = await phone.newPage();
      expect((await page.goto(pending.link))?.status()).toBe(200);
      const widths = (await page.evaluate(
        '({ content: document.documentElement.scrollWidth, screen: window.innerWidth })',
      )) as { content: number; screen: number };
      expect(widths.content).toBeLessThanOrEqual(widths.screen);
      for (const button of await page.locator('button[type="submit"]').all()) {
        const box = await button.boundingBox();
        expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
        expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= widths.screen).toBe(true);
      }
    } finally {
      await phone.close();
    }
  });

  it('declining without a reason is stopped by the form and the task stays open', async () => {
    const pending = first.find((e) => e !== accepter && e !== decliner);
    if (!pending) throw new Error('No third reviewer');
    const { page } = await open(pending.link);
    await page.locator('form:has(input[name="action"][value="decline"]) button[type="submit"]').click();
    // The browser keeps the form on screen and marks the empty reason as missing.
    await expect(page.locator('textarea[name="reason"]:invalid').count()).resolves.toBe(1);
    await expect(page.locator('[role="status"]').count()).resolves.toBe(0);
    await page.close();
    const view = await journey.driver.store.view(journey.proposalId);
    expect(
      view?.reviews.find((r) => r.reviewId === new URL(pending.link).searchParams.get('r'))?.status,
    ).toBe('PENDING');
    // Sent anyway (bypassing the browser's check), a reason that is too short comes back with the form and 422.
    const response = await journey.driver.post(pending.link, { action: 'decline', reason: '' });
    expect(response.status).toBe(422);
  });

  it('once the remaining reviewers submit, the proposal is REVIEWED with three reviews', async () => {
    const handled = new Set([accepter.messageId, decliner.messageId]);
    const answered = await journey.driver.answerOpenReviews(handled);
    expect(answered).toBe(2);
    await journey.runtime.settle();
    const view = await journey.driver.store.view(journey.proposalId);
    expect(view?.status).toBe('REVIEWED');
    expect(view?.reviews.filter((r) => r.status === 'SUBMITTED')).toHaveLength(3);
    expect(view?.result?.reviews).toBe(3);
  });
});
