/**
 * Hostile submissions against the output side of the local runtime: a reviewer's download of a file uploaded as
 * text/html with its own Content-Disposition, a quota-squatting attempt from another agency's folder, a title
 * that fakes a paragraph and a review link in the reviewer's email, and a formula title in the CSV report.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../cli/commands/proposals';
import { proposalIdFor } from '../../functions/lib/uploads';
import type { ValidationReport } from '../../functions/lib/validation/types';
import { Driver, EXAMPLES_DIR } from '../../local/driver';
import { systemReviewLinks } from '../../local/mail-links';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';

let runtime: LocalRuntime;
let driver: Driver;

/** A link shaped exactly like the system's review links, written into the title by the attacker. */
let fakeLink: string;
/** The hostile proposal: a formula, a fake paragraph and a fake review link in its title; uploaded as HTML. */
let hostileId: string;
let hostileTitle: string;

beforeAll(async () => {
  runtime = await startLocalRuntime();
  driver = new Driver(runtime);
  await driver.importRoster();
  await driver.importAgencies();

  fakeLink = `${runtime.names.reviewBaseUrl}?r=${'A'.repeat(24)}&e=9999999999&s=${'B'.repeat(43)}`;
  hostileTitle = `=HYPERLINK("https://evil.example/x","BANK SAMPAH")\r\n\r\nTUGAS PENILAIAN BARU: buka ${fakeLink}`;
  const form = JSON.parse(
    readFileSync(join(EXAMPLES_DIR, 'proposals', '04-dlh-banyuwangi-umum.json'), 'utf8'),
  ) as { identity: Record<string, string> };
  form.identity.title = hostileTitle;
  // Named as what it is (the name is checked too); the uploader's declared type and disposition are hostile.
  const key = 'incoming/pemkab-banyuwangi/proposal.json';
  const out = await driver.s3.send(
    new PutObjectCommand({
      Bucket: runtime.names.bucket,
      Key: key,
      Body: JSON.stringify(form),
      ContentType: 'text/html',
      ContentDisposition: 'inline; filename="review.hta"',
      CacheControl: 'public, max-age=31536000',
    }),
  );
  hostileId = proposalIdFor(runtime.names.bucket, key, out.VersionId ?? out.ETag?.replace(/"/g, ''));
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.stop();
});

/** The review requests of the hostile proposal (BANK SAMPAH is in its title). */
async function hostileEmails() {
  return (await driver.emails()).filter(
    (m) => m.subject.includes('BANK SAMPAH') && /Permintaan penilaian|Review request/.test(m.subject),
  );
}

describe("a reviewer's download", () => {
  it('is served as the detected format, as an attachment named by the system, whatever the uploader declared', async () => {
    const view = await driver.store.view(hostileId);
    expect(view?.status, view?.reason).toBe('IN_REVIEW');
    const [email] = await hostileEmails();
    const [link] = systemReviewLinks(email?.body.text ?? '', runtime.names.reviewBaseUrl);
    const page = await (await driver.get(link ?? '')).text();
    const href = /href="([^"]+)"[^>]*download/.exec(page)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toBeDefined();

    const download = await fetch(href ?? '');
    const body = await download.text();

    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/json');
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="${hostileId}.json"; filename*=UTF-8''${hostileId}.json`,
    );
    expect(download.headers.get('cache-control')).toBe('private, no-store');
    expect(download.headers.get('content-disposition')).not.toContain('.hta');
    expect(JSON.parse(body).identity.title).toBe(hostileTitle);
    // S3 has no way to leave out an object's own x-amz-meta-* headers; the ones a browser acts on are overridden.
  });
});

describe('a reviewer email of a title that fakes a paragraph and a review link', () => {
  it('shows the title on one line with no link; the only link is the one the system signed', async () => {
    const emails = await hostileEmails();
    expect(emails.length).toBeGreaterThanOrEqual(3);
    for (const email of emails) {
      const text = email.body.text ?? '';
      const html = email.body.html ?? '';
      // Plain text: every URL in it is the system's link of this task.
      const urls = text.match(/https?:\/\/\S+/g) ?? [];
      const links = systemReviewLinks(text, runtime.names.reviewBaseUrl);
      expect(links).toHaveLength(1);
      expect(new Set(urls)).toEqual(new Set(links));
      expect(links[0]).not.toContain('A'.repeat(24));
      expect(text).not.toContain(fakeLink);
      expect(text).toMatch(/TUGAS PENILAIAN BARU: buka http\[:\]\/\/127\.0\.0\.1/);
      expect(text).not.toMatch(/\n\s*TUGAS PENILAIAN BARU/);
      // HTML: the anchors all carry the system's link; the title opens no paragraph or line of its own.
      const anchors = [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]?.replace(/&amp;/g, '&'));
      expect(new Set(anchors)).toEqual(new Set(links));
      expect(html).not.toMatch(/<br>\s*(<br>\s*)*TUGAS PENILAIAN BARU/);
      expect(html).not.toContain(fakeLink.replace(/&/g, '&amp;'));
    }
  });
});

describe('the CSV report of a proposal with a formula title', () => {
  it('opens safely: the title cell starts with a single quote and reads back as text', async () => {
    for (const email of await hostileEmails()) {
      const [link] = systemReviewLinks(email.body.text ?? '', runtime.names.reviewBaseUrl);
      await driver.completeReview(link ?? '', `${email.destination.to[0]}|${link}`);
    }
    await runtime.settle();
    expect((await driver.store.view(hostileId))?.status).toBe('REVIEWED');

    const env = { ...process.env };
    Object.assign(process.env, runtime.env);
    let written = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written += String(chunk);
      return true;
    });
    try {
      expect(await reportCommand({ format: 'csv' })).toBe(0);
    } finally {
      spy.mockRestore();
      process.env = env;
    }

    const rows = parseCsv(written, { columns: true }) as Array<Record<string, string>>;
    const row = rows.find((r) => r.id === hostileId);
    expect(row?.title?.startsWith(`'=HYPERLINK(`)).toBe(true);
    // Every cell of the report that a spreadsheet would run starts with the quote.
    for (const r of rows) for (const cell of Object.values(r)) expect(cell).not.toMatch(/^\s*[=+\-@\t\r]/);
    // The raw line: the neutralized cell is quoted, so no separator inside it is taken for a column.
    expect(written).toContain(`"'=HYPERLINK(""`);
  });
});

describe('a quota-squatting attempt', () => {
  it("refuses five uploads under one agency's folder naming another agency's Instansi, and accepts that agency's own", async () => {
    // replikasi.md names Dinas Pendidikan Kabupaten Sleman (agency pemkab-sleman); Replikasi allows 5 per agency.
    const genuine = readFileSync(new URL('../fixtures/documents/replikasi.md', import.meta.url), 'utf8');
    const squats = [];
    for (let i = 1; i <= 5; i++) {
      const copy = genuine.replace(/\| Judul \| [^|]+\|/, `| Judul | Komunitas Guru Tiruan ${i} |`);
      squats.push(await driver.upload('pemkot-bandung', `squat-${i}.md`, copy));
    }
    await runtime.settle();
    for (const { id } of squats) {
      const view = await driver.store.view(id);
      expect(view?.status).toBe('REJECTED');
      const codes = (view?.validation as ValidationReport | undefined)?.issues.map((issue) => issue.code);
      expect(codes).toEqual(['INSTITUTION_NOT_OF_AGENCY']);
      expect(view?.reason).toMatch(/pemkot-bandung/);
    }

    const { id } = await driver.upload('pemkab-sleman', 'guru-berbagi.md', genuine);
    await runtime.settle();
    const view = await driver.store.view(id);
    expect((view?.validation as ValidationReport | undefined)?.valid).toBe(true);
    expect(['ASSIGNING', 'IN_REVIEW', 'NEEDS_REVIEWERS']).toContain(view?.status);
  });
});
