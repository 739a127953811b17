/**
 * The submitters' portal on the local runtime, as an agency uses it: the invitation, a draft with errors, a fixed
 * draft submitted from its report, the receipt following the status to IN_REVIEW, a resubmission after a
 * rejection; and the attacks it must hold against (forged, expired, revoked and cross-agency links, oversize
 * files, key tampering in the POST fields).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPortalLink } from '../../functions/lib/portal/links';
import { Driver, EXAMPLES_DIR } from '../../local/driver';
import { PortalJourney, portalHrefs, uploadFormOf } from '../../local/portal-journey';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';

let runtime: LocalRuntime;
let driver: Driver;
let journey: PortalJourney;
let links: Map<string, string>;

const example = (file: string) => readFileSync(join(EXAMPLES_DIR, 'proposals', file));
const surabaya = example('01-dinkes-surabaya-umum.md').toString('utf8');
/** The same proposal with a Ringkasan far over its 200 words. */
const tooLong = surabaya.replace(
  '## 2. Ide Inovatif',
  `${'Layanan antrean daring memangkas waktu tunggu warga. '.repeat(40)}\n\n## 2. Ide Inovatif`,
);

const link = (agency: string) => {
  const found = links.get(agency);
  if (!found) throw new Error(`No invitation for ${agency}`);
  return found;
};

beforeAll(async () => {
  runtime = await startLocalRuntime();
  driver = new Driver(runtime);
  journey = new PortalJourney(driver);
  await driver.importRoster();
  await driver.importAgencies();
  links = await journey.invite(['pemkot-surabaya', 'pemkab-banyuwangi', 'pemkab-sleman']);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('an agency in the portal', () => {
  it('gets a signed link by email that opens its home page', async () => {
    const home = await journey.page(link('pemkot-surabaya'));
    expect(home.status).toBe(200);
    expect(home.body).toContain('Pemerintah Kota Surabaya');
    expect(home.body).toContain('Belum ada proposal');
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('checks a draft with errors, then a fixed draft, submits it and follows it to IN_REVIEW', async () => {
    const home = link('pemkot-surabaya');
    const bad = await journey.upload(journey.url(home, '/check'), { name: 'sehati.md', body: tooLong });
    expect(bad.status).toBe(200);
    expect(bad.body).toContain('Belum lolos');
    expect(bad.body).toMatch(/Ringkasan[^<]*200/);
    expect(bad.body).not.toContain('name="csrf"');

    const good = await journey.upload(journey.url(home, '/check'), { name: 'sehati.md', body: surabaya });
    expect(good.body).toContain('Lolos pemeriksaan administrasi');
    // Nothing was submitted by checking.
    expect((await driver.store.listByAgency('pemkot-surabaya')).length).toBe(0);

    const csrf = /name="csrf" value="([^"]+)"/.exec(good.body)?.[1];
    expect(csrf).toBeDefined();
    const submitted = await fetch(good.url, {
      method: 'POST',
      body: new URLSearchParams({ csrf: csrf ?? '' }),
      redirect: 'manual',
    });
    expect(submitted.status).toBe(303);
    const receiptUrl = submitted.headers.get('location') ?? '';
    expect(new URL(receiptUrl).pathname).toBe('/portal/receipt');

    await runtime.settle();
    const receipt = await journey.page(receiptUrl);
    expect(receipt.body).toContain('Sedang dinilai');
    const [proposal] = await driver.store.listByAgency('pemkot-surabaya');
    expect(proposal?.status).toBe('IN_REVIEW');
    expect(receipt.body).toContain(proposal?.id);
    expect(proposal?.key).toMatch(/^incoming\/pemkot-surabaya\/u[0-9a-f]{20}-sehati\.md$/);
  });

  it('replaces a rejected proposal with a fixed file: both histories say so', async () => {
    const home = link('pemkab-banyuwangi');
    const json = example('04-dlh-banyuwangi-umum.json').toString('utf8');
    const broken = JSON.stringify({ ...JSON.parse(json), sections: {} });
    const first = await journey.upload(journey.url(home, '/submit'), { name: 'dlh.json', body: broken });
    expect(first.status).toBe(200);
    await runtime.settle();
    const [rejected] = await driver.store.listByAgency('pemkab-banyuwangi');
    expect(rejected?.status).toBe('REJECTED');

    const page = await journey.page(home);
    const replace = portalHrefs(page.body, '/submit').find((href) => href.includes('replace='));
    expect(replace).toBeDefined();
    const second = await journey.upload(replace ?? '', { name: 'dlh-perbaikan.json', body: json });
    expect(second.status).toBe(200);
    await runtime.settle();

    const [fixed, old] = await driver.store.listByAgency('pemkab-banyuwangi');
    expect(old?.id).toBe(rejected?.id);
    expect(old?.replacedBy).toBe(fixed?.id);
    expect(fixed?.replaces).toBe(rejected?.id);
    expect(fixed?.status).toBe('IN_REVIEW');
    const oldHistory = (await driver.store.history(rejected?.id ?? '')).map((h) => h.note);
    const newHistory = (await driver.store.history(fixed?.id ?? '')).map((h) => h.note);
    expect(oldHistory).toContain(`Replaced by the fixed file of proposal ${fixed?.id}`);
    expect(newHistory).toContain(`Replaces the rejected proposal ${rejected?.id}`);
    // Replaced once: the old proposal offers no second replacement.
    const after = await journey.page(journey.url(home, '/proposal', { p: rejected?.id ?? '' }));
    expect(after.body).not.toContain('replace=');
  });
});

describe('attacks on the portal', () => {
  it('refuses forged, expired and revoked links with a page saying what to do', async () => {
    const good = new URL(link('pemkab-sleman'));
    const forged = new URL(good);
    forged.searchParams.set('a', 'pemkot-surabaya');
    expect((await journey.page(forged.toString())).status).toBe(403);

    const secret = await journey.secret();
    const expired = `${runtime.names.portalUrl}?${signPortalLink({ agency: 'pemkab-sleman', generation: 0, expiresAt: new Date(Date.now() - 1000) }, secret)}`;
    const page = await journey.page(expired);
    expect(page.status).toBe(410);
    expect(page.body).toContain('kedaluwarsa');

    const { revokePortalLinks } = await import('../../functions/lib/adapters/agencies');
    await revokePortalLinks(driver.doc, runtime.names.table, 'pemkab-sleman');
    const revoked = await journey.page(good.toString());
    expect(revoked.status).toBe(410);
    expect(revoked.body).toContain('dicabut');
    const renewed = await journey.invite(['pemkab-sleman']);
    expect((await journey.page(renewed.get('pemkab-sleman') ?? '')).status).toBe(200);
  });

  it('never shows one agency another agency’s proposal', async () => {
    const [theirs] = await driver.store.listByAgency('pemkot-surabaya');
    const page = await journey.page(
      journey.url(link('pemkab-banyuwangi'), '/proposal', { p: theirs?.id ?? '' }),
    );
    expect(page.status).toBe(404);
    expect(page.body).not.toContain('SEHATI');
  });

  it('lets S3 refuse a tampered key, an extra field and an oversize file', async () => {
    const page = await journey.page(journey.url(link('pemkab-banyuwangi'), '/submit'));
    const form = uploadFormOf(page.body);
    const file = { name: 'x.md', body: surabaya };
    const elsewhere = await journey.postForm(form, file, { key: 'incoming/pemkot-surabaya/taken.md' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toContain('Policy Condition failed');
    const extra = await journey.postForm(form, file, { 'Content-Type': 'text/html' });
    expect(extra.status).toBe(403);
    const huge = await journey.postForm(form, {
      name: 'big.md',
      body: new Uint8Array(driver.profile.files.maxBytes + 1),
    });
    expect(huge.status).toBe(400);
    expect(huge.body).toContain('EntityTooLarge');
    const stored = await driver.store.listByAgency('pemkot-surabaya');
    expect(stored.every((p) => !p.key.endsWith('taken.md'))).toBe(true);
  });
});
