import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { proposalAgencyFields } from '../../../functions/lib/agencies/proposal';
import type { Agency } from '../../../functions/lib/agencies/schema';
import type { ValidationReport } from '../../../functions/lib/validation/types';
import { mem } from './memory';
import {
  awsError,
  BUCKET,
  lambdaContext,
  proposal,
  readFixture,
  restoreHandlerEnv,
  stubHandlerEnv,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/storage', () => import('./memory').then((m) => m.storage));
vi.mock('../../../functions/lib/adapters/agencies', () => import('./memory').then((m) => m.agencies));
vi.mock('../../../functions/lib/adapters/eligibility-claims', () =>
  import('./memory').then((m) => m.eligibilityClaims),
);

let handler: typeof import('../../../functions/validate').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/validate'));
});
afterAll(restoreHandlerEnv);
beforeEach(() => {
  mem.reset();
});

const MAX_BYTES = 10 * 1024 * 1024;
const example = (name: string) => readFixture(`examples/proposals/${name}`);

/** A freshly registered upload whose object holds `bytes`. */
function uploaded(id: string, fileName: string, bytes: Uint8Array, agency = 'pemkot-surabaya') {
  const key = `incoming/${agency}/${fileName}`;
  mem.seedProposal(
    proposal({
      id,
      key,
      agency,
      status: 'RECEIVED',
      reason: 'Upload received',
      seq: 1,
      title: undefined,
      institution: undefined,
      group: undefined,
      category: undefined,
      contactEmail: undefined,
      reviewersNeeded: undefined,
      // What Intake records of the agency from the registry.
      ...proposalAgencyFields(mem.agencies.get(agency)),
    }),
  );
  mem.seedObject(key, bytes);
  return { proposalId: id, bucket: BUCKET, key, versionId: 'v-1' };
}

/** A city government as the agency registry holds it. */
const registeredCity = (code: string, city: string): Agency => ({
  code,
  name: `Pemerintah Kota ${city}`,
  parent: `Pemerintah Kota ${city}`,
  province: 'Jawa Timur',
  regency: `Kota ${city}`,
  kind: 'city',
  contacts: [`inovasi@${code}.example.go.id`],
  language: 'id',
});

/** The quota counter of Dinas Kesehatan Kota Surabaya in the Umum group (no agency registry kept). */
const quota = () => mem.quotas.get('dinas kesehatan kota surabaya#umum');
const issueCodes = (id: string) =>
  (mem.proposal(id).validation as ValidationReport).issues.map((i) => i.code);

describe('validating an uploaded proposal', () => {
  it('accepts a complete proposal: it stays VALIDATING with its report, identity and reason stored', async () => {
    const input = uploaded('p-valid', '01-dinkes-surabaya-umum.md', example('01-dinkes-surabaya-umum.md'));
    const result = await handler(input, lambdaContext('validate'));

    expect(result).toMatchObject({ valid: true, group: 'umum', category: 'kesehatan' });
    const stored = mem.proposal('p-valid');
    expect(stored).toMatchObject({
      status: 'VALIDATING',
      title: 'SEHATI: Sistem Antrean dan Rujukan Terpadu Puskesmas',
      institution: 'Dinas Kesehatan Kota Surabaya',
      group: 'umum',
      category: 'kesehatan',
      contactEmail: 'sehati@dinkes.surabaya.example.go.id',
    });
    expect((stored.validation as ValidationReport).valid).toBe(true);
    expect(stored.reason).toBe(result.reason);
    expect(mem.history('p-valid').map((h) => h.status)).toEqual(['VALIDATING', 'VALIDATING']);
  });

  it("keeps the execution's ARN on the proposal with its move to VALIDATING, once on a retry", async () => {
    const executionArn = 'arn:aws:states:ap-southeast-3:123456789012:execution:proposal-review:p-valid';
    const input = {
      ...uploaded('p-valid', '01-dinkes-surabaya-umum.md', example('01-dinkes-surabaya-umum.md')),
      executionArn,
    };
    mem.faults.push((operation) =>
      operation === 'storage.readBounded'
        ? Object.assign(new Error('slow down'), { name: 'SlowDown' })
        : undefined,
    );
    await expect(handler(input, lambdaContext('validate'))).rejects.toThrow();
    mem.faults.length = 0;
    await handler(input, lambdaContext('validate'));

    expect(mem.proposal('p-valid').executionArn).toBe(executionArn);
    expect(mem.history('p-valid').map((h) => h.status)).toEqual(['VALIDATING', 'VALIDATING']);
  });

  it('reads the uploaded version of the object, bounded by the profile limit', async () => {
    const input = uploaded('p-range', '04-dlh-banyuwangi-umum.json', example('04-dlh-banyuwangi-umum.json'));
    await handler(input, lambdaContext('validate'));

    expect(mem.reads).toEqual([{ bucket: BUCKET, key: input.key, versionId: 'v-1', limit: MAX_BYTES }]);
  });

  it('rejects a file over the size limit as FILE_TOO_LARGE', async () => {
    const input = uploaded('p-huge', 'proposal.pdf', new Uint8Array(16));
    mem.seedObject(input.key, new Uint8Array(16), 12 * 1024 * 1024);
    const result = await handler(input, lambdaContext('validate'));

    expect(result.valid).toBe(false);
    expect(mem.proposal('p-huge').status).toBe('REJECTED');
    expect(issueCodes('p-huge')).toContain('FILE_TOO_LARGE');
    expect(mem.proposal('p-huge').reason).toMatch(/terlalu besar \(12(\.0)? MB; maksimal 10(\.0)? MB\)/);
  });

  it('rejects an empty upload as FILE_EMPTY instead of failing on the download', async () => {
    const input = uploaded('p-empty', 'proposal.docx', new Uint8Array());
    const result = await handler(input, lambdaContext('validate'));

    expect(result.valid).toBe(false);
    expect(mem.proposal('p-empty').status).toBe('REJECTED');
    expect(issueCodes('p-empty')).toEqual(['FILE_EMPTY']);
  });

  it.each([
    [
      'a missing required section',
      '05-dkp-makassar-tanpa-signifikansi.docx',
      'SECTION_MISSING',
      /Signifikansi/,
    ],
    [
      'a Ringkasan over 200 words',
      '06-dp3a-bandung-ringkasan-panjang.md',
      'WORD_LIMIT_EXCEEDED',
      /Ringkasan/,
    ],
    ['a legacy .doc file', '08-disdukcapil-medan-format-lama.doc', 'FORMAT_UNSUPPORTED', /Word 97-2003/],
  ])('rejects a proposal with %s and says why in Bahasa Indonesia', async (_, file, code, reason) => {
    const input = uploaded('p-bad', file, example(file));
    const result = await handler(input, lambdaContext('validate'));

    expect(result.valid).toBe(false);
    const stored = mem.proposal('p-bad');
    expect(stored.status).toBe('REJECTED');
    expect(issueCodes('p-bad')).toContain(code);
    expect(stored.reason).toMatch(reason);
    expect(stored.reason).toBe(result.reason);
    expect(mem.history('p-bad').at(-1)).toEqual({ status: 'REJECTED', note: result.reason });
  });

  it('rejects a second proposal with a title another proposal holds as DUPLICATE_TITLE', async () => {
    const bytes = example('01-dinkes-surabaya-umum.md');
    await handler(uploaded('p-first', 'sehati.md', bytes), lambdaContext('validate'));
    const result = await handler(
      uploaded('p-second', 'sehati-copy.md', bytes, 'pemkot-bandung'),
      lambdaContext('validate'),
    );

    expect(result.valid).toBe(false);
    expect(mem.proposal('p-second').status).toBe('REJECTED');
    expect(issueCodes('p-second')).toContain('DUPLICATE_TITLE');
    expect(mem.proposal('p-first').status).toBe('VALIDATING');
  });

  it('lets a retried validation keep its own title claim and quota place', async () => {
    const input = uploaded('p-retry', '01.md', example('01-dinkes-surabaya-umum.md'));
    await handler(input, lambdaContext('validate'));
    const again = await handler(input, lambdaContext('validate'));

    expect(again.valid).toBe(true);
    expect(quota()?.used).toBe(1);
  });

  it('does not count a proposal rejected for its duplicate title against its institution quota', async () => {
    const bytes = example('01-dinkes-surabaya-umum.md');
    await handler(uploaded('p-original', 'a.md', bytes), lambdaContext('validate'));
    await handler(uploaded('p-duplicate', 'b.md', bytes), lambdaContext('validate'));

    expect(mem.proposal('p-duplicate').status).toBe('REJECTED');
    // Only the accepted proposal holds a place; the rejected one must not use up the institution's quota.
    expect(quota()?.used).toBe(1);
    expect(quota()?.members.has('p-duplicate')).toBe(false);
  });

  it('rejects a proposal over its institution quota as QUOTA_EXCEEDED and frees its title', async () => {
    mem.seedQuota('Dinas Kesehatan Kota Surabaya', 'umum', 10);
    const input = uploaded('p-over', 'a.md', example('01-dinkes-surabaya-umum.md'));
    const result = await handler(input, lambdaContext('validate'));

    expect(result.valid).toBe(false);
    expect(issueCodes('p-over')).toContain('QUOTA_EXCEEDED');
    expect([...mem.titles.keys()]).toEqual([]);
  });

  it("rejects a registered agency's upload naming another agency's Instansi, and counts nothing", async () => {
    mem.seedAgency(
      registeredCity('pemkot-surabaya', 'Surabaya'),
      registeredCity('pemkot-bandung', 'Bandung'),
    );
    // 01-dinkes-surabaya-umum.md names Dinas Kesehatan Kota Surabaya; uploaded under pemkot-bandung.
    const result = await handler(
      uploaded('p-squat', 'a.md', example('01-dinkes-surabaya-umum.md'), 'pemkot-bandung'),
      lambdaContext('validate'),
    );

    expect(result.valid).toBe(false);
    expect(issueCodes('p-squat')).toEqual(['INSTITUTION_NOT_OF_AGENCY']);
    expect(mem.proposal('p-squat').reason).toMatch(/pemkot-bandung/);
    expect(mem.quotas.size).toBe(0);
    expect(mem.titles.size).toBe(0);
  });

  it("counts a registered agency's proposal against the agency's own quota", async () => {
    mem.seedAgency(registeredCity('pemkot-surabaya', 'Surabaya'));
    const result = await handler(
      uploaded('p-own', 'a.md', example('01-dinkes-surabaya-umum.md')),
      lambdaContext('validate'),
    );

    expect(result.valid).toBe(true);
    expect(mem.quotas.get('AGENCY#pemkot-surabaya#umum')?.used).toBe(1);
    expect(quota()).toBeUndefined();
  });

  it('judges the Instansi against the agency as registered when the file arrived, without reading the registry', async () => {
    mem.seedAgency(registeredCity('pemkot-surabaya', 'Surabaya'));
    const input = uploaded('p-recorded', 'a.md', example('01-dinkes-surabaya-umum.md'));
    // The registry changes (or cannot be read) after the upload: the recorded facts decide.
    mem.agencies.clear();
    mem.faults.push((operation) => (operation === 'agencies.getAgency' ? new Error('not read') : undefined));

    const result = await handler(input, lambdaContext('validate'));

    expect(result.valid).toBe(true);
    expect(mem.quotas.get('AGENCY#pemkot-surabaya#umum')?.used).toBe(1);
  });

  it("reads the registry for a proposal registered before its agency's name was recorded", async () => {
    mem.seedAgency(
      registeredCity('pemkot-surabaya', 'Surabaya'),
      registeredCity('pemkot-bandung', 'Bandung'),
    );
    const input = uploaded('p-older', 'a.md', example('01-dinkes-surabaya-umum.md'), 'pemkot-bandung');
    const stored = mem.proposals.get('p-older');
    if (stored) delete stored.agencyName;

    const result = await handler(input, lambdaContext('validate'));

    expect(result.valid).toBe(false);
    expect(issueCodes('p-older')).toEqual(['INSTITUTION_NOT_OF_AGENCY']);
  });

  it('rejects an upload from an agency missing from a registry that is kept', async () => {
    mem.seedAgency(registeredCity('pemkot-surabaya', 'Surabaya'));
    const result = await handler(
      uploaded('p-typo', 'a.md', example('01-dinkes-surabaya-umum.md'), 'pemkot-surabya'),
      lambdaContext('validate'),
    );

    expect(result.valid).toBe(false);
    expect(issueCodes('p-typo')).toEqual(['AGENCY_NOT_REGISTERED']);
  });

  it.each([
    ['throttled', awsError('SlowDown', 503)],
    ['unavailable', awsError('ServiceUnavailable', 503)],
  ])('throws a TransientError when S3 is %s, so the state machine retries', async (_, error) => {
    const input = uploaded('p-slow', 'a.md', example('01-dinkes-surabaya-umum.md'));
    mem.faults.push((operation) => (operation === 'storage.readBounded' ? error : undefined));

    await expect(handler(input, lambdaContext('validate'))).rejects.toMatchObject({ name: 'TransientError' });
    expect(mem.proposal('p-slow').status).toBe('VALIDATING');
  });

  it('refuses an input without a proposal id with a BadInputError and writes nothing', async () => {
    await expect(
      handler({ bucket: BUCKET, key: 'incoming/x/y.md' }, lambdaContext('validate')),
    ).rejects.toMatchObject({
      name: 'BadInputError',
    });
    expect(mem.proposals.size).toBe(0);
  });
});
