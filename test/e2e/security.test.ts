/**
 * Attacks on the local runtime: tampered, expired, swapped and replayed review links, hostile form bodies, HTML in
 * the proposal's own text, odd object keys and oversized uploads. Each attack is refused (a 4xx or a clear
 * rejection) and changes nothing: the proposal item, its review tasks and its history are compared before/after.
 * Link expiry is also covered precisely, without a runtime, in test/unit/review/signing.test.ts.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Driver } from '../../local/driver';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import {
  attackFixture,
  invalidMarkdown,
  postRaw,
  scoreForm,
  snapshot,
  swapReviewId,
  validMarkdown,
  withExpiry,
} from './support/attack';
import { expiredLink, reviewIdOf, tamperSignature } from './support/links';

let runtime: LocalRuntime;
let driver: Driver;
let proposalId: string;
/** The three review links of the hostile proposal: [0] stays PENDING longest, [1] is accepted, [2] races. */
let links: Array<{ to: string; link: string }>;

/** Markup from the hostile fixture that must never reach a page or an email unescaped. */
const HOSTILE = ['<script', '<img', '<svg', '<b onmouseover'];
const ESCAPED_SCRIPT = '&lt;script&gt;alert(1)&lt;/script&gt;';

beforeAll(async () => {
  runtime = await startLocalRuntime();
  driver = new Driver(runtime);
  await driver.importRoster();
  ({ id: proposalId } = await driver.upload(
    'pemkab-banyuwangi',
    'hostile.json',
    attackFixture('hostile-title.json'),
  ));
  await runtime.settle();
  links = (await driver.reviewLinks()).filter((l) => l.subject.includes('BANK SAMPAH'));
  if (links.length !== 3) {
    const view = await driver.store.view(proposalId);
    throw new Error(`Expected 3 review links, got ${links.length}: ${view?.status} ${view?.reason}`);
  }
});

afterAll(async () => {
  await runtime?.stop();
});

const link = (i: number) => {
  const found = links[i];
  if (!found) throw new Error(`No review link ${i}`);
  return found.link;
};

/** Runs `attack` and checks that the proposal, its tasks and its history are exactly as before. */
async function changesNothing(attack: () => Promise<void>): Promise<void> {
  const before = await snapshot(driver, proposalId);
  await attack();
  await runtime.settle();
  expect(await snapshot(driver, proposalId)).toEqual(before);
}

async function statusOf(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

describe('review links', () => {
  it('refuses a link whose signature was altered, on GET and POST, with 403', async () => {
    await changesNothing(async () => {
      const forged = tamperSignature(link(0));
      expect(await statusOf(await driver.get(forged))).toBe(403);
      expect(await statusOf(await driver.post(forged, { action: 'accept' }))).toBe(403);
      expect(await statusOf(await driver.post(forged, scoreForm(driver)))).toBe(403);
    });
  });

  it('refuses a link whose expiry was moved (later or earlier) as forged', async () => {
    await changesNothing(async () => {
      const later = withExpiry(link(0), new Date(Date.now() + 365 * 86_400_000));
      const earlier = withExpiry(link(0), new Date(Date.now() - 86_400_000));
      expect(await statusOf(await driver.post(later, { action: 'accept' }))).toBe(403);
      expect(await statusOf(await driver.get(earlier))).toBe(403);
    });
  });

  it('refuses a correctly signed link once it has expired, with 410', async () => {
    const expired = await expiredLink(runtime, link(0));
    expect(reviewIdOf(expired)).toBe(reviewIdOf(link(0)));
    await changesNothing(async () => {
      const page = await driver.get(expired);
      expect(page.status).toBe(410);
      expect(await page.text()).toMatch(/kedaluwarsa|berakhir|tidak berlaku/i);
      expect(await statusOf(await driver.post(expired, { action: 'accept' }))).toBe(410);
    });
  });

  it("refuses one task's signature used with another task's review id, and both links keep working", async () => {
    await changesNothing(async () => {
      const swapped = swapReviewId(link(0), link(1));
      expect(await statusOf(await driver.get(swapped))).toBe(403);
      expect(await statusOf(await driver.post(swapped, { action: 'accept' }))).toBe(403);
    });
    expect(await statusOf(await driver.get(link(0)))).toBe(200);
    expect(await statusOf(await driver.get(link(1)))).toBe(200);
  });

  it('refuses links with missing or malformed parts with 400', async () => {
    await changesNothing(async () => {
      const url = new URL(link(0));
      const without = (name: string) => {
        const copy = new URL(url);
        copy.searchParams.delete(name);
        return copy.toString();
      };
      const withParam = (name: string, value: string) => {
        const copy = new URL(url);
        copy.searchParams.set(name, value);
        return copy.toString();
      };
      for (const bad of [
        without('s'),
        without('r'),
        without('e'),
        withParam('r', "x' OR '1'='1"),
        withParam('e', '-1'),
        withParam('s', 'not-a-signature'),
      ]) {
        expect(await statusOf(await driver.post(bad, { action: 'accept' })), bad).toBe(400);
      }
    });
  });
});

describe('decision bodies', () => {
  it('refuses scores out of range, not whole numbers, or for criteria that do not exist, with 422', async () => {
    expect(await statusOf(await driver.post(link(1), { action: 'accept' }))).toBe(303);
    const [first] = driver.profile.scoring.criteria;
    if (!first) throw new Error('The profile has no criteria');
    const { scaleMin, scaleMax } = driver.profile.scoring;
    await changesNothing(async () => {
      const overrides: Array<Record<string, string>> = [
        { [`scores.${first.id}`]: String(scaleMax + 1) },
        { [`scores.${first.id}`]: String(scaleMin - 1) },
        { [`scores.${first.id}`]: '7.5' },
        { [`scores.${first.id}`]: '1e1' },
        { [`scores.${first.id}`]: '' },
        { 'scores.kecantikan': '10' },
        { 'scores.__proto__': '10' },
      ];
      for (const override of overrides) {
        const response = await driver.post(link(1), scoreForm(driver, override));
        expect(response.status, JSON.stringify(override)).toBe(422);
        expect(await response.text()).not.toMatch(/<script/i);
      }
      const missing = scoreForm(driver);
      delete missing[`scores.${first.id}`];
      expect(await statusOf(await driver.post(link(1), missing))).toBe(422);
    });
    const task = (await driver.store.view(proposalId))?.reviews.find(
      (r) => r.reviewId === reviewIdOf(link(1)),
    );
    expect(task?.status).toBe('ACCEPTED');
    expect(task?.scores).toBeUndefined();
  });

  it('refuses a body over 256 KB at the API (413) and over 16 KB in the handler (4xx)', async () => {
    await changesNothing(async () => {
      const huge = new URLSearchParams({ ...scoreForm(driver), comment: 'a'.repeat(300 * 1024) }).toString();
      expect(await statusOf(await postRaw(link(1), huge, 'application/x-www-form-urlencoded'))).toBe(413);
      const large = new URLSearchParams({ ...scoreForm(driver), comment: 'b'.repeat(20 * 1024) }).toString();
      const status = await statusOf(await postRaw(link(1), large, 'application/x-www-form-urlencoded'));
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    });
  });

  it('refuses wrong content types, broken urlencoding, broken JSON and repeated fields with 4xx', async () => {
    const form = new URLSearchParams(scoreForm(driver)).toString();
    const attempts: Array<[string, string | Uint8Array, string | undefined]> = [
      ['no content type', form, undefined],
      ['text/plain', form, 'text/plain'],
      ['multipart', form, 'multipart/form-data; boundary=x'],
      ['latin-1 charset', form, 'application/x-www-form-urlencoded; charset=iso-8859-1'],
      [
        'broken percent escapes',
        form.replace(/scores\.(\w+)=\d+/, 'scores.$1=%E0%A4%A'),
        'application/x-www-form-urlencoded',
      ],
      ['invalid escape in the action', 'action=%ZZsubmit', 'application/x-www-form-urlencoded'],
      ['binary body', new Uint8Array([0xff, 0xfe, 0x00, 0x3d, 0x26]), 'application/x-www-form-urlencoded'],
      ['repeated action', `${form}&action=accept`, 'application/x-www-form-urlencoded'],
      ['broken JSON', '{"action":"submit","scores":{', 'application/json'],
      ['JSON array', '[{"action":"submit"}]', 'application/json'],
      ['empty body', '', 'application/x-www-form-urlencoded'],
    ];
    await changesNothing(async () => {
      for (const [label, body, type] of attempts) {
        const status = await statusOf(await postRaw(link(1), body, type));
        expect(status, label).toBeGreaterThanOrEqual(400);
        expect(status, label).toBeLessThan(500);
      }
    });
  });

  it('takes a submit once: a replayed submit is 409 and the score stays as first given', async () => {
    expect(await statusOf(await driver.post(link(1), scoreForm(driver)))).toBe(303);
    const after = await snapshot(driver, proposalId);
    const task = after.reviews.find((r) => r.reviewId === reviewIdOf(link(1)));
    expect(task?.status).toBe('SUBMITTED');
    const { scaleMax } = driver.profile.scoring;
    const higher = Object.fromEntries(
      driver.profile.scoring.criteria.map((c) => [`scores.${c.id}`, String(scaleMax)]),
    );
    await changesNothing(async () => {
      expect(await statusOf(await driver.post(link(1), scoreForm(driver, higher)))).toBe(409);
      expect(
        await statusOf(
          await driver.post(link(1), { action: 'decline', reason: 'Berubah pikiran setelah menilai.' }),
        ),
      ).toBe(409);
      expect(await statusOf(await driver.post(link(1), { action: 'accept' }))).toBe(409);
    });
    const again = (await snapshot(driver, proposalId)).reviews.find(
      (r) => r.reviewId === reviewIdOf(link(1)),
    );
    expect(again?.scores).toEqual(task?.scores);
    expect(again?.score).toBe(task?.score);
  });

  it('lets only one of two simultaneous submits on one link through', async () => {
    expect(await statusOf(await driver.post(link(2), { action: 'accept' }))).toBe(303);
    const { scaleMax } = driver.profile.scoring;
    const high = Object.fromEntries(
      driver.profile.scoring.criteria.map((c) => [`scores.${c.id}`, String(scaleMax)]),
    );
    const results = await Promise.all([
      driver.post(link(2), scoreForm(driver)).then(statusOf),
      driver.post(link(2), scoreForm(driver, high)).then(statusOf),
    ]);
    expect(results.sort()).toEqual([303, 409]);
    await runtime.settle();
    const view = await driver.store.view(proposalId);
    const reviewerId = view?.reviews.find((r) => r.reviewId === reviewIdOf(link(2)))?.reviewerId ?? '-';
    expect(view?.history.filter((h) => h.note.startsWith(`${reviewerId} submitted a review`))).toHaveLength(
      1,
    );
  });
});

describe('hostile text in proposals', () => {
  it('shows HTML and script from titles and names only escaped, on the review pages and in every email', async () => {
    const stored = await driver.store.get(proposalId);
    expect(stored?.title).toContain('<script>alert(1)</script>'); // the attack did reach the data
    expect(stored?.institution).toContain('<svg onload=alert(3)>');

    const invite = await (await driver.get(link(0))).text();
    expect(invite).toContain(ESCAPED_SCRIPT);
    for (const raw of HOSTILE) expect(invite).not.toContain(raw);
    expect(await driver.completeReview(link(0), 'hostile')).toEqual([200, 303, 303]);
    const receipt = await (await driver.get(link(0))).text();
    expect(receipt).toContain(ESCAPED_SCRIPT);
    for (const raw of HOSTILE) expect(receipt).not.toContain(raw);
    await runtime.settle();
    expect((await driver.store.get(proposalId))?.status).toBe('REVIEWED');

    const mail = (await driver.emails()).filter((m) => (m.body.text ?? '').includes('BANK SAMPAH'));
    // Three review tasks, the submitter's result and the ops summary.
    expect(mail.length).toBeGreaterThanOrEqual(5);
    for (const email of mail) {
      expect(email.body.html, email.subject).toContain('&lt;script&gt;');
      for (const raw of HOSTILE) expect(email.body.html, email.subject).not.toContain(raw);
      expect(email.subject).not.toMatch(/[\r\n]/);
    }
  });
});

describe('object keys', () => {
  it('registers keys with spaces, plus signs and unicode exactly as uploaded, and reads that object', async () => {
    const name = 'proposal final+v2 (revisi) Ümit ñandú 提案.md';
    const { id, key } = await driver.upload('pemkot-bandung', name, invalidMarkdown());
    await runtime.settle();
    const view = await driver.store.view(id);
    expect(view?.key).toBe(key);
    // Rejected for its content (so the right object was read), not for its key.
    expect(view?.status).toBe('REJECTED');
    expect(view?.reason).toMatch(/Ringkasan melebihi 200 kata/);
  });

  it('refuses keys with ".." segments or an unusable agency folder, and starts nothing', async () => {
    const traversal = await driver.upload('pemkot-bandung', '../../admin/proposal.md', invalidMarkdown());
    const dotted = await driver.upload('..', 'proposal.md', invalidMarkdown());
    const unicodeAgency = await driver.upload('pemkot-bandüng', 'proposal.md', invalidMarkdown());
    await runtime.settle();
    const names = [...runtime.sfn.executions.values()].map((e) => e.name);
    const expected: Array<[typeof traversal, RegExp]> = [
      [traversal, /"\.\." segments/],
      [dotted, /"\.\." segments/],
      [unicodeAgency, /agency code "pemkot-bandüng"/],
    ];
    for (const [upload, reason] of expected) {
      const view = await driver.store.view(upload.id);
      expect(view?.key, upload.key).toBe(upload.key); // stored as uploaded, not normalized
      expect(view?.status, upload.key).toBe('REJECTED');
      expect(view?.reason, upload.key).toMatch(reason);
      expect(view?.history.map((h) => h.status)).toEqual(['REJECTED']);
      expect(names).not.toContain(upload.id);
    }
  });

  it('ignores uploads outside incoming/: nothing is registered or started', async () => {
    const before = (await driver.store.list()).length;
    const executions = runtime.sfn.executions.size;
    const delivered = runtime.queue.delivered;
    for (const key of [
      'outgoing/pemkot-bandung/a.md',
      'incomingx/pemkot-bandung/a.md',
      'Incoming/pemkot-bandung/a.md',
      'a.md',
    ]) {
      await driver.s3.send(
        new PutObjectCommand({ Bucket: runtime.names.bucket, Key: key, Body: invalidMarkdown() }),
      );
    }
    await runtime.settle();
    expect(runtime.queue.delivered).toBe(delivered);
    expect((await driver.store.list()).length).toBe(before);
    expect(runtime.sfn.executions.size).toBe(executions);
  });

  it("rejects an upload over the profile's size limit as FILE_TOO_LARGE", async () => {
    const limit = driver.profile.files.maxBytes;
    const body = Buffer.alloc(limit + 1, ' ');
    Buffer.from(validMarkdown('SEHATI RAKSASA: Berkas Terlalu Besar')).copy(body);
    const { id } = await driver.upload('pemkot-surabaya', 'raksasa.md', body);
    await runtime.settle();
    const view = await driver.store.view(id);
    expect(view?.status).toBe('REJECTED');
    const codes = ((view?.validation as { issues?: Array<{ code: string }> } | undefined)?.issues ?? []).map(
      (i) => i.code,
    );
    expect(codes).toEqual(['FILE_TOO_LARGE']);
    expect(view?.reason).toMatch(/10(\.0)? MB|10 MiB|10485760/);
    expect(view?.reviews).toHaveLength(0);
  });
});
