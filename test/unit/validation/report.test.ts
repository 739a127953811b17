import { describe, expect, it } from 'vitest';
import {
  eligibilityIssues,
  formatReport,
  ISSUE_CODES,
  type Issue,
  reportSummary,
  validateDocument,
} from '../../../functions/lib/validation';
import { agencyIssues } from '../../../functions/lib/validation/eligibility';
import { documentXml, rawDocx } from '../../../scripts/make-fixtures';
import {
  fixture,
  fixtureText,
  profile,
  umumWith,
  validateAttack,
  validateFixture,
  validateText,
} from './helpers';

const longSummary = () =>
  umumWith((t) => t.replace('## 1. Ringkasan\n', `## 1. Ringkasan\n\n${'kata '.repeat(134)}\n`));
const missingSection = (text: string) => text.replace(/^## 2\. Ide Inovatif\n[\s\S]*?(?=^## )/m, '');

describe('the plain-text report', () => {
  it('gives the verdict, the group and each section against its limit, in Indonesian', async () => {
    const text = formatReport(await validateFixture('umum.md'), 'id');
    expect(text).toContain('Hasil validasi: LOLOS');
    expect(text).toContain('Kelompok: Umum');
    expect(text).toContain('Kategori: Kesehatan');
    expect(text).toMatch(/\[v\] Ringkasan\s+109 \/ 200 kata/);
    expect(text).toContain('Tidak ada masalah.');
  });

  it('lists each problem with how to fix it, in English', async () => {
    const report = await validateText(missingSection(longSummary()));
    const text = formatReport(report, 'en');
    expect(text).toContain('Validation result: NOT PASSED (2 errors)');
    expect(text).toMatch(/\[x\] Ringkasan\s+243 \/ 200 words \(over the limit\)/);
    expect(text).toMatch(/\[x\] Ide Inovatif\s+- \/ 600 words \(missing\)/);
    expect(text).toContain('[ERROR] Ringkasan exceeds 200 words (243)');
    expect(text).toContain('How to fix: Cut 43 words from Ringkasan');
    expect(text).toContain('[ERROR] section Ide Inovatif is missing');
  });

  it('shows a refused file with its reason and fix in both languages', async () => {
    const report = await validateFixture('legacy.doc');
    expect(formatReport(report, 'id')).toContain('Cara memperbaiki: Buka di Word atau LibreOffice');
    expect(formatReport(report, 'en')).toContain('How to fix: Open it in Word or LibreOffice');
  });
});

describe('the one-line summary', () => {
  it('names each problem, e.g. "2 masalah: Ringkasan melebihi 200 kata (243); ..."', async () => {
    const report = await validateText(missingSection(longSummary()));
    expect(reportSummary(report, 'id')).toBe(
      '2 masalah: Ringkasan melebihi 200 kata (243); bagian Ide Inovatif tidak ada',
    );
    expect(reportSummary(report, 'en')).toBe(
      '2 problems: Ringkasan exceeds 200 words (243); section Ide Inovatif is missing',
    );
  });

  it('says a valid proposal passed, and mentions warnings', async () => {
    expect(reportSummary(await validateFixture('khusus.pdf'), 'id')).toBe(
      'Lolos validasi: kelompok Khusus, 5 bagian lengkap',
    );
    const warned = await validateText(`${fixtureText('umum.md')}\n## Ringkasan\n\nLagi.\n`);
    expect(reportSummary(warned, 'en')).toMatch(
      /^Passed validation: group Umum, all 7 sections present, with 1 warning: /,
    );
  });

  it('shortens a long list of problems', async () => {
    const report = await validateText('## Ringkasan\n\nTeks.\n');
    expect(reportSummary(report, 'id')).toMatch(/^9 masalah: .*; dan 4 lainnya$/);
  });
});

/** One scenario per issue code: every code the validator can emit is exercised and is bilingual. */
const SCENARIOS: Record<(typeof ISSUE_CODES)[number], () => Promise<Issue[]>> = {
  FILE_EMPTY: async () => (await validateFixture('empty.txt')).issues,
  FILE_TOO_LARGE: async () =>
    (await validateDocument(new Uint8Array(profile.files.maxBytes + 1), profile)).issues,
  FILE_CORRUPT: async () => (await validateFixture('truncated.docx')).issues,
  FORMAT_UNSUPPORTED: async () => (await validateFixture('legacy.doc')).issues,
  FORMAT_EXTENSION_MISMATCH: async () => (await validateFixture('docx-named.pdf')).issues,
  FORMAT_EXTENSION_UNKNOWN: async () => (await validateAttack('proposal.hta')).issues,
  PDF_ACTIVE_CONTENT: async () => (await validateAttack('pdf-javascript.pdf')).issues,
  DOCX_EXTERNAL_CONTENT: async () => (await validateAttack('docx-external-template.docx')).issues,
  DOCX_ACTIVE_CONTENT: async () =>
    (
      await validateDocument(
        rawDocx(documentXml(['x']), { 'word/embeddings/oleObject1.bin': new Uint8Array(8) }),
        profile,
      )
    ).issues,
  IDENTITY_TOO_LONG: async () =>
    (
      await validateText(
        umumWith((t) => t.replace('| Judul | SEHATI', `| Judul | ${'Panjang '.repeat(60)}SEHATI`)),
      )
    ).issues,
  ENCODING_INVALID: async () => (await validateFixture('windows-1252.txt')).issues,
  PDF_NO_TEXT: async () => (await validateFixture('scanned.pdf')).issues,
  PDF_ENCRYPTED: async () => (await validateFixture('encrypted.pdf')).issues,
  PDF_TIMEOUT: async () =>
    (await validateDocument(fixture('khusus.pdf'), profile, { pdfTimeoutMs: 1 })).issues,
  DOCX_MACROS: async () => (await validateFixture('macros.docm')).issues,
  DOCX_ENCRYPTED: async () => (await validateFixture('password.docx')).issues,
  ARCHIVE_TOO_LARGE: async () => (await validateFixture('zip-bomb.docx')).issues,
  ARCHIVE_UNSAFE_PATH: async () => (await validateFixture('traversal.docx')).issues,
  XML_UNSAFE: async () => (await validateFixture('entity-expansion.docx')).issues,
  DOCUMENT_TOO_COMPLEX: async () => (await validateFixture('deep-nesting.docx')).issues,
  FORM_INVALID: async () => (await validateText('{"sections": 3}')).issues,
  IDENTITY_MISSING: async () => (await validateText('## Ringkasan\n\nTeks.\n')).issues,
  IDENTITY_UNRECOGNIZED: async () =>
    (await validateText(JSON.stringify({ identity: { fax: '1' }, sections: {} }))).issues,
  EMAIL_INVALID: async () => (await validateText(umumWith((t) => t.replace('@dinkes', ' at dinkes')))).issues,
  PHONE_INVALID: async () =>
    (await validateText(umumWith((t) => t.replace('(031) 5634 112', 'tidak ada')))).issues,
  VIDEO_NOT_YOUTUBE: async () =>
    (await validateText(umumWith((t) => t.replace('youtu.be', 'vimeo.com')))).issues,
  GROUP_UNKNOWN: async () =>
    (await validateText(umumWith((t) => t.replace('| Umum |', '| Istimewa |')))).issues,
  CATEGORY_UNKNOWN: async () =>
    (await validateText(umumWith((t) => t.replace('| Kesehatan |', '| Olahraga |')))).issues,
  START_DATE_INVALID: async () =>
    (await validateText(umumWith((t) => t.replace('14 Maret 2021', 'Maret')))).issues,
  START_DATE_IN_FUTURE: async () => (await validateText(umumWith((t) => t.replace('2021', '2031')))).issues,
  INNOVATION_TOO_YOUNG: async () => (await validateText(umumWith((t) => t.replace('2021', '2024')))).issues,
  SECTION_MISSING: async () => (await validateText(missingSection(fixtureText('umum.md')))).issues,
  SECTION_EMPTY: async () =>
    (await validateText(umumWith((t) => t.replace(/## 7\.[\s\S]*$/, '## 7. Kolaborasi\n')))).issues,
  WORD_LIMIT_EXCEEDED: async () => (await validateText(longSummary())).issues,
  SECTION_DUPLICATE: async () =>
    (await validateText(`${fixtureText('umum.md')}\n## Ringkasan\n\nLagi.\n`)).issues,
  SECTION_NOT_IN_GROUP: async () =>
    (await validateText(`${fixtureText('umum.md')}\n## Evaluasi\n\nTeks.\n`)).issues,
  SECTION_UNRECOGNIZED: async () =>
    (await validateText(JSON.stringify({ identity: {}, sections: { Penutup: 'x' } }))).issues,
  DUPLICATE_TITLE: async () =>
    eligibilityIssues(
      { sameTitleCount: 1, institutionGroupCount: 0 },
      await validateFixture('umum.md'),
      profile,
    ),
  QUOTA_EXCEEDED: async () =>
    eligibilityIssues(
      { sameTitleCount: 0, institutionGroupCount: 99 },
      await validateFixture('umum.md'),
      profile,
    ),
  INSTITUTION_NOT_OF_AGENCY: async () =>
    agencyIssues(await validateFixture('umum.md'), 'pemkot-bandung', {
      code: 'pemkot-bandung',
      name: 'Pemerintah Kota Bandung',
      parent: 'Pemerintah Kota Bandung',
      province: 'Jawa Barat',
      regency: 'Kota Bandung',
      kind: 'city',
    }),
  AGENCY_NOT_REGISTERED: async () =>
    agencyIssues(await validateFixture('umum.md'), 'pemkot-bandung', undefined),
};

describe('every issue code', () => {
  it('has a scenario in this suite', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...ISSUE_CODES].sort());
  });

  for (const [code, scenario] of Object.entries(SCENARIOS)) {
    it(`emits ${code} with a message and a fix in Indonesian and English`, async () => {
      const issue = (await scenario()).find((i) => i.code === code);
      expect(issue).toBeDefined();
      for (const text of [issue!.message.id, issue!.message.en, issue!.hint.id, issue!.hint.en]) {
        expect(text.trim().length).toBeGreaterThan(5);
        expect(text).not.toMatch(/undefined|NaN|\[object/);
      }
      expect(issue!.message.id).not.toBe(issue!.message.en);
      expect(issue!.hint.id).not.toBe(issue!.hint.en);
    });
  }
});
