import { strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../../../functions/lib/validation';
import { rawDocx } from '../../../scripts/make-fixtures';
import { codes, NOW, profile, validateFixture } from './helpers';

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

  it('detects the format from the content, not the extension, and refuses a name that says another format', async () => {
    const report = await validateFixture('docx-named.pdf');
    expect(report.format).toBe('docx');
    expect(report.valid).toBe(false);
    expect(codes(report)).toEqual(['FORMAT_EXTENSION_MISMATCH']);
    expect(report.issues[0]?.message.en).toContain('.pdf');
    expect(report.issues[0]?.hint.id).toContain('.docx');
  });
});

describe('DOCX written by hand in Word', () => {
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const run = (text: string) => `<w:r><w:t xml:space="preserve">${text}</w:t></w:r>`;
  const para = (...runs: string[]) => `<w:p>${runs.join('')}</w:p>`;
  const identity = [
    'Judul: Sekolah Lapang Iklim Desa',
    'Instansi: Dinas Pertanian Kabupaten Gunungkidul',
    'Kelompok: Replikasi',
    'Kategori: Ketahanan Pangan',
    'Tanggal Mulai: 2 Mei 2022',
    'Inovator: Sri Lestari, S.P.',
    'Email: slid@distan.gunungkidulkab.example.go.id',
    'Telepon: 0274-391 022',
  ];
  const sections = ['Ringkasan', 'Inspirasi', 'Proses Replikasi', 'Faktor Pembeda'].flatMap((name) => [
    para(run(name)),
    para(run(`Isi bagian ${name} yang ditulis oleh tim inovasi desa.`)),
  ]);
  const docx = (body: string, rels = '') =>
    rawDocx(
      `<?xml version="1.0"?><w:document ${W} ${R}><w:body>${body}</w:body></w:document>`,
      rels
        ? {
            'word/_rels/document.xml.rels': strToU8(
              `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`,
            ),
          }
        : {},
    );

  it('finds headings written as short plain paragraphs, identity lines split by soft breaks, and a hyperlinked video', async () => {
    const softBreaks = `<w:p>${identity.map((line) => run(line)).join('<w:r><w:br/></w:r>')}</w:p>`;
    const video = para(
      run('Tautan Video: '),
      `<w:hyperlink r:id="rId9">${run('Tonton video kami')}</w:hyperlink>`,
    );
    const bytes = docx(
      softBreaks + video + sections.join(''),
      '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://youtu.be/Q3vXbT7mKp0" TargetMode="External"/>',
    );
    const report = await validateDocument(bytes, profile, { now: NOW });
    expect(report.issues).toEqual([]);
    expect(report.identity.video).toBe('https://youtu.be/Q3vXbT7mKp0');
    expect(report.sections.map((s) => s.words)).toEqual([9, 9, 10, 10]);
  });

  it('reads text inside a one-column frame table and ignores deleted revisions', async () => {
    const frame = `<w:tbl><w:tr><w:tc>${sections.join('')}</w:tc></w:tr></w:tbl>`;
    const deleted = para(`<w:del><w:r><w:delText>kata yang dihapus</w:delText></w:r></w:del>`);
    const lines = [...identity, 'Tautan Video: https://youtu.be/Q3vXbT7mKp0']
      .map((l) => para(run(l)))
      .join('');
    const report = await validateDocument(docx(lines + deleted + frame), profile, { now: NOW });
    expect(report.issues).toEqual([]);
    expect(report.group).toBe('replikasi');
  });
});
