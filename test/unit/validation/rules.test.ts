import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../../functions/lib/profile';
import { eligibilityIssues, validateDocument } from '../../../functions/lib/validation';
import { codes, fixtureText, NOW, profile, umumWith, validateText } from './helpers';

/** Replaces the value of an identity row of the Umum fixture. */
const setField = (label: string, value: string) =>
  umumWith((t) => t.replace(new RegExp(`^\\| ${label} \\|.*$`, 'm'), `| ${label} | ${value} |`));
const dropField = (label: string) =>
  umumWith((t) => t.replace(new RegExp(`^\\| ${label} \\|.*\\n`, 'm'), ''));
/** Removes a section (heading and text) of the Umum fixture. */
const dropSection = (heading: string) =>
  umumWith((t) => t.replace(new RegExp(`^## ${heading}\\n[\\s\\S]*?(?=^## |(?![\\s\\S]))`, 'm'), ''));
const words = (n: number) => Array.from({ length: n }, (_, i) => `kata${i}`).join(' ');

describe('sections and word limits', () => {
  it('rejects a proposal whose Ringkasan exceeds 200 words', async () => {
    const report = await validateText(
      umumWith((t) => t.replace('## 1. Ringkasan\n', `## 1. Ringkasan\n\n${words(150)}\n`)),
    );
    expect(codes(report)).toEqual(['WORD_LIMIT_EXCEEDED']);
    const ringkasan = report.sections.find((s) => s.id === 'ringkasan');
    expect(ringkasan).toMatchObject({ limit: 200, present: true, words: 259 });
    expect(report.issues[0]).toMatchObject({ section: 'ringkasan', severity: 'error' });
    expect(report.issues[0]?.message.id).toBe('Ringkasan melebihi 200 kata (259)');
    expect(report.issues[0]?.hint.en).toContain('Cut 59 words');
  });

  it('accepts a section of exactly its word limit', async () => {
    const text = dropSection('7\\. Kolaborasi Pemangku Kepentingan');
    const report = await validateText(`${text}\n## Kolaborasi Pemangku Kepentingan\n\n${words(200)}\n`);
    expect(report.valid).toBe(true);
    expect(report.sections.find((s) => s.id === 'kolaborasi')?.words).toBe(200);
  });

  it('rejects a proposal with a missing section and names it', async () => {
    const report = await validateText(dropSection('3\\. Signifikansi'));
    expect(codes(report)).toEqual(['SECTION_MISSING']);
    expect(report.issues[0]?.message).toEqual({
      id: 'bagian Signifikansi tidak ada',
      en: 'section Signifikansi is missing',
    });
    expect(report.sections.find((s) => s.id === 'signifikansi')).toMatchObject({ present: false, words: 0 });
  });

  it('rejects a section heading with nothing under it', async () => {
    const report = await validateText(
      dropSection('7\\. Kolaborasi Pemangku Kepentingan').concat('\n## Kolaborasi\n'),
    );
    expect(codes(report)).toEqual(['SECTION_EMPTY']);
  });

  it('warns when a section appears twice and counts both parts together', async () => {
    const report = await validateText(`${fixtureText('umum.md')}\n## Ringkasan\n\n${words(10)}\n`);
    expect(codes(report)).toEqual(['SECTION_DUPLICATE']);
    expect(report.valid).toBe(true);
    expect(report.sections.find((s) => s.id === 'ringkasan')?.words).toBe(119);
  });

  it('warns about a section of another group', async () => {
    const report = await validateText(`${fixtureText('umum.md')}\n## Inspirasi\n\n${words(10)}\n`);
    expect(codes(report)).toEqual(['SECTION_NOT_IN_GROUP']);
    expect(report.issues[0]?.message.en).toBe('section Inspirasi is not part of group Umum');
  });

  it('recognises headings whatever their case, accents, numbering, colon or word-limit note', async () => {
    const text = fixtureText('umum.md')
      .replace('## 1. Ringkasan', '**A. RINGKASAN:**')
      .replace('## 2. Ide Inovatif', '### II. ide inovatif (maks. 600 kata)')
      .replace('## 3. Signifikansi', 'Bagian 3 Signifikansi')
      .replace('## 4. Kontribusi terhadap TPB/SDGs', '4) Kontribusi terhadap TPB / SDGs :')
      .replace('## 5. Adaptabilitas', '## 5.1 Adaptabilitás')
      .replace('## 6. Keberlanjutan', 'Sustainability')
      .replace('## 7. Kolaborasi Pemangku Kepentingan', '# Stakeholder Collaboration');
    const report = await validateText(text);
    expect(report.issues).toEqual([]);
    expect(report.sections.map((s) => s.words)).toEqual([109, 146, 100, 61, 60, 68, 35]);
  });

  it('does not count sub-headings as new sections and keeps their text in the section', async () => {
    const text = umumWith((t) =>
      t.replace('## 3. Signifikansi\n', '## 3. Signifikansi\n\n### Dampak terukur\n\nSatu dua tiga.\n'),
    );
    const report = await validateText(text);
    expect(report.valid).toBe(true);
    expect(report.sections.find((s) => s.id === 'signifikansi')?.words).toBe(100 + 2 + 3);
  });

  it('ends a section at an unrelated heading of the same level (e.g. an appendix)', async () => {
    const report = await validateText(`${fixtureText('umum.md')}\n## Lampiran\n\n${words(500)}\n`);
    expect(report.valid).toBe(true);
    expect(report.sections.find((s) => s.id === 'kolaborasi')?.words).toBe(35);
  });
});

describe('identity fields', () => {
  it('rejects a proposal without an email and says which label to add', async () => {
    const report = await validateText(dropField('Email'));
    expect(codes(report)).toEqual(['IDENTITY_MISSING']);
    expect(report.issues[0]?.message).toEqual({ id: 'Email tidak diisi', en: 'Email (Email) is missing' });
    expect(report.issues[0]?.hint.id).toContain('Email: ...');
  });

  it('reads identity tables with a number column and a colon column', async () => {
    const text = umumWith((t) =>
      t.replace(
        /^\| (Judul|Instansi) \| (.*) \|$/gm,
        (_m, label: string, value: string) => `| 1. | ${label} | : | ${value} |`,
      ),
    );
    const report = await validateText(text);
    expect(report.issues).toEqual([]);
    expect(report.identity.institution).toBe('Dinas Kesehatan Kota Surabaya');
  });

  it('reports every missing identity field of a document without an identity block', async () => {
    const report = await validateText('## Ringkasan\n\nTeks.\n');
    expect(codes(report).filter((c) => c === 'IDENTITY_MISSING')).toHaveLength(profile.identityFields.length);
  });

  it.each([
    ['Email', 'sehati(at)dinkes.go.id', 'EMAIL_INVALID'],
    ['Email', 'sehati@dinkes', 'EMAIL_INVALID'],
    ['Telepon', '5634 112', 'PHONE_INVALID'],
    ['Telepon', 'hubungi kantor', 'PHONE_INVALID'],
    ['Tautan Video', 'https://vimeo.com/123456', 'VIDEO_NOT_YOUTUBE'],
    ['Tautan Video', 'https://www.youtube.com/@dinkessurabaya', 'VIDEO_NOT_YOUTUBE'],
    ['Tanggal Mulai', 'awal 2021', 'START_DATE_INVALID'],
    ['Tanggal Mulai', '31/02/2021', 'START_DATE_INVALID'],
    ['Kategori', 'Pariwisata', 'CATEGORY_UNKNOWN'],
  ])('rejects %s "%s" with %s', async (label, value, code) => {
    const report = await validateText(setField(label, value));
    expect(codes(report)).toEqual([code]);
    expect(report.issues[0]?.message.en).toContain(value);
  });

  it.each([
    ['Telepon', '+62 812-3456-7890'],
    ['Telepon', '0812 3456 7890 / (031) 5634 112'],
    ['Tautan Video', 'https://www.youtube.com/shorts/Q3vXbT7mKp0'],
    ['Tautan Video', '[Tonton video](https://youtu.be/Q3vXbT7mKp0)'],
    ['Email', '[sehati@dinkes.surabaya.example.go.id](mailto:sehati@dinkes.surabaya.example.go.id)'],
    ['Kategori', 'Health'],
    ['Kelompok', 'General'],
  ])('accepts %s "%s"', async (label, value) => {
    const report = await validateText(setField(label, value));
    expect(report.issues).toEqual([]);
  });

  it.each([
    ['2019-03-12', '2019-03-12'],
    ['12-03-2019', '2019-03-12'],
    ['12/03/2019', '2019-03-12'],
    ['12 Maret 2019', '2019-03-12'],
    ['12 March 2019', '2019-03-12'],
    ['Selasa, 12 Maret 2019', '2019-03-12'],
    ['1 Agustus 2020', '2020-08-01'],
    ['March 12, 2019', '2019-03-12'],
  ])('reads the start date "%s" as %s', async (written, iso) => {
    const report = await validateText(setField('Tanggal Mulai', written));
    expect(report.identity.startDate).toBe(iso);
    expect(report.valid).toBe(true);
  });

  it('rejects an unknown group, lists the groups, and still checks the sections of the group they fit', async () => {
    const report = await validateText(setField('Kelompok', 'Unggulan'));
    expect(codes(report)).toEqual(['GROUP_UNKNOWN']);
    expect(report.issues[0]?.hint.id).toContain('Umum, Replikasi, Khusus');
    expect(report.group).toBe('umum');
    expect(report.sections).toHaveLength(7);
  });

  it('infers the group from the sections when it is not written', async () => {
    const report = await validateText(fixtureText('replikasi.md').replace(/^\| Kelompok \|.*\n/m, ''));
    expect(codes(report)).toEqual(['IDENTITY_MISSING']);
    expect(report.group).toBe('replikasi');
  });
});

describe('innovation age at the deadline', () => {
  it('rejects an Umum innovation that started less than 2 years before the deadline', async () => {
    const report = await validateText(setField('Tanggal Mulai', '1 Juli 2023'));
    expect(codes(report)).toEqual(['INNOVATION_TOO_YOUNG']);
    expect(report.issues[0]?.message.en).toContain('2025-06-30');
    expect(report.issues[0]?.hint.en).toContain('2023-06-30');
  });

  it('accepts an Umum innovation that started exactly 2 years before the deadline', async () => {
    const report = await validateText(setField('Tanggal Mulai', '30 Juni 2023'));
    expect(report.valid).toBe(true);
  });

  it('accepts a Replikasi innovation of 1 year that would be too young for Umum', async () => {
    const text = fixtureText('replikasi.md').replace('03/01/2023', '30/06/2024');
    expect((await validateText(text)).valid).toBe(true);
    expect(codes(await validateText(text.replace('30/06/2024', '01/07/2024')))).toEqual([
      'INNOVATION_TOO_YOUNG',
    ]);
  });

  it('rejects a start date in the future', async () => {
    const report = await validateText(setField('Tanggal Mulai', '1 Januari 2026'));
    expect(codes(report)).toEqual(['START_DATE_IN_FUTURE']);
  });
});

describe('the JSON form', () => {
  const form = JSON.parse(fixtureText('umum.json')) as {
    identity: Record<string, string>;
    sections: Record<string, string>;
  };

  it('accepts section ids and Indonesian labels as keys', async () => {
    const { Ringkasan, ...rest } = form.sections;
    const identity = { ...form.identity, Judul: form.identity.title ?? '' };
    delete (identity as Record<string, string>).title;
    const report = await validateText(
      JSON.stringify({ identity, sections: { ringkasan: Ringkasan, ...rest } }),
    );
    expect(report.issues).toEqual([]);
    expect(report.identity.title).toBe(form.identity.title);
  });

  it('warns about unknown section and identity names', async () => {
    const report = await validateText(
      JSON.stringify({
        identity: { ...form.identity, fax: '031' },
        sections: { ...form.sections, Lampiran: 'x' },
      }),
    );
    expect(codes(report).sort()).toEqual(['IDENTITY_UNRECOGNIZED', 'SECTION_UNRECOGNIZED']);
    expect(report.valid).toBe(true);
  });

  it('rejects a form of the wrong shape and names the field', async () => {
    const report = await validateText(JSON.stringify({ identity: form.identity, sections: ['Ringkasan'] }));
    expect(codes(report)).toEqual(['FORM_INVALID']);
    expect(report.issues[0]?.message.en).toContain('sections');
  });

  it('rejects malformed JSON as a damaged file', async () => {
    const report = await validateText('{ "identity": { "title": "x" }, ');
    expect(codes(report)).toEqual(['FILE_CORRUPT']);
    expect(report.format).toBe('text');
  });
});

describe('eligibility across proposals', () => {
  const valid = () => validateText(fixtureText('umum.md'), { now: NOW });

  it('rejects a title already used by another proposal', async () => {
    const report = await valid();
    const issues = eligibilityIssues({ sameTitleCount: 1, institutionGroupCount: 0 }, report, profile);
    expect(issues.map((i) => [i.code, i.severity])).toEqual([['DUPLICATE_TITLE', 'error']]);
    expect(issues[0]?.message.id).toContain('SEHATI');
  });

  it('follows the profile for duplicate titles (warning or allowed)', async () => {
    const report = await valid();
    for (const rule of ['warning', 'allow'] as const) {
      const relaxed = parseProfile({ ...profile, eligibility: { duplicateTitles: rule } }, 'test');
      const issues = eligibilityIssues({ sameTitleCount: 2, institutionGroupCount: 0 }, report, relaxed);
      expect(issues.map((i) => i.severity)).toEqual(rule === 'warning' ? ['warning'] : []);
    }
  });

  it('accepts the 10th Umum proposal of an institution and rejects the 11th', async () => {
    const report = await valid();
    expect(eligibilityIssues({ sameTitleCount: 0, institutionGroupCount: 9 }, report, profile)).toEqual([]);
    const issues = eligibilityIssues({ sameTitleCount: 0, institutionGroupCount: 10 }, report, profile);
    expect(issues.map((i) => i.code)).toEqual(['QUOTA_EXCEEDED']);
    expect(issues[0]?.message.en).toContain('Dinas Kesehatan Kota Surabaya');
  });

  it('applies the Replikasi quota of 5', async () => {
    const report = await validateDocument(new TextEncoder().encode(fixtureText('replikasi.md')), profile, {
      now: NOW,
    });
    expect(
      eligibilityIssues({ sameTitleCount: 0, institutionGroupCount: 5 }, report, profile).map((i) => i.code),
    ).toEqual(['QUOTA_EXCEEDED']);
  });
});
