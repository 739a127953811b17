import { describe, expect, it } from 'vitest';
import { codes, validateFixture } from './helpers';

const GROUPS = [
  { group: 'umum', category: 'kesehatan', sections: 7, startDate: '2021-03-14' },
  { group: 'replikasi', category: 'pendidikan', sections: 4, startDate: '2023-01-03' },
  { group: 'khusus', category: 'tata-kelola', sections: 5, startDate: '2017-08-12' },
] as const;

describe('valid proposals in every format', () => {
  for (const { group, category, sections, startDate } of GROUPS) {
    for (const [ext, format] of [
      ['md', 'markdown'],
      ['docx', 'docx'],
      ['pdf', 'pdf'],
    ] as const) {
      it(`accepts the ${group} proposal written as ${ext.toUpperCase()}`, async () => {
        const report = await validateFixture(`${group}.${ext}`);
        expect(report.issues).toEqual([]);
        expect(report.valid).toBe(true);
        expect(report.format).toBe(format);
        expect(report.group).toBe(group);
        expect(report.category).toBe(category);
        expect(report.identity.startDate).toBe(startDate);
        expect(report.sections).toHaveLength(sections);
        expect(report.sections.every((s) => s.present && s.words > 0 && s.words <= s.limit)).toBe(true);
      });
    }

    it(`counts the same words in the ${group} proposal whatever its format`, async () => {
      const counts = await Promise.all(
        ['md', 'docx', 'pdf'].map(async (ext) =>
          (await validateFixture(`${group}.${ext}`)).sections.map((s) => s.words),
        ),
      );
      expect(counts[1]).toEqual(counts[0]);
      expect(counts[2]).toEqual(counts[0]);
    });
  }

  it('accepts plain UTF-8 text without any Markdown marks', async () => {
    const report = await validateFixture('replikasi.txt');
    expect(report.format).toBe('text');
    expect(report.valid).toBe(true);
    expect(report.group).toBe('replikasi');
  });

  it('accepts the structured JSON form', async () => {
    const report = await validateFixture('umum.json');
    expect(report.format).toBe('json');
    expect(report.issues).toEqual([]);
    expect(report.category).toBe('lingkungan-hidup');
    expect(report.identity.email).toBe('banksampah@dlh.banyuwangikab.example.go.id');
  });

  it('reads the identity from a DOCX two-column table and Word heading styles', async () => {
    const report = await validateFixture('replikasi.docx');
    expect(report.identity).toMatchObject({
      title: 'GURU BERBAGI: Komunitas Belajar Guru Daring Kabupaten Sleman',
      institution: 'Dinas Pendidikan Kabupaten Sleman',
      innovator: 'Drs. Bambang Setyawan, M.Pd.',
      video: 'https://www.youtube.com/watch?v=H7dLw2sQe9A',
    });
  });

  it('detects the format from the content, not the extension, and warns about the wrong extension', async () => {
    const report = await validateFixture('docx-named.pdf');
    expect(report.format).toBe('docx');
    expect(report.valid).toBe(true);
    expect(codes(report)).toEqual(['FORMAT_EXTENSION_MISMATCH']);
    expect(report.issues[0]?.message.en).toContain('.pdf');
    expect(report.issues[0]?.hint.id).toContain('.docx');
  });
});
