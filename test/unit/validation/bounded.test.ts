import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { validateBounded } from '../../../functions/lib/sandbox/validation';
import { validateDocument } from '../../../functions/lib/validation';
import { countElements } from '../../../functions/lib/validation/docx';
import { scanPdf } from '../../../functions/lib/validation/pdf-scan';
import {
  atxHeading,
  isTableRule,
  looksLikeMarkdown,
  parsePlain,
} from '../../../functions/lib/validation/plain';
import { headingKey, isValidPhone, stripInlineMarkup } from '../../../functions/lib/validation/text';
import { onePagePdf, rawPdf } from '../../../scripts/make-fixtures';
import { attack, codes, fixture, NOW, profile, validateAttack, validateText } from './helpers';

/** Fastest of three runs, in milliseconds. */
function fastest(run: () => unknown): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/**
 * Time on one 100 KB input over time on ten 10 KB inputs (the same amount of text): about 1 when linear, 10 when
 * quadratic, 100 when cubic. Asserted generously (below 5), and only when the large input takes long enough to be
 * measured at all (a quadratic or cubic reader takes seconds on these inputs).
 */
function expectLinear(make: (size: number) => string, run: (input: string) => unknown): void {
  const small = make(10_000);
  const large = make(100_000);
  run(small);
  run(large);
  const tSmall = fastest(() => {
    for (let i = 0; i < 10; i++) run(small);
  });
  const tLarge = fastest(() => run(large));
  if (tLarge < 25) return;
  expect(tLarge / Math.max(tSmall, 1)).toBeLessThan(5);
}

describe('text scanning is linear in the length of a line', () => {
  const spaces = (n: number) => ' '.repeat(n);
  const cases: Array<[string, (n: number) => string]> = [
    ['an ATX heading with a long run of spaces (was cubic)', (n) => `# a${spaces(n)}a#`],
    ['a table rule with a long run of spaces (was quadratic)', (n) => `|--${spaces(n)}x`],
    ['a line of unclosed link brackets (was quadratic)', (n) => '[]('.repeat(n / 3)],
    ['a line of unclosed images', (n) => '![a]('.repeat(n / 5)],
    ['a line of unclosed autolinks', (n) => '<http://a'.repeat(n / 9)],
    ['a run of emphasis marks before text', (n) => `${'*'.repeat(n)}x`],
    ['a heading with a long run of spaces before a word', (n) => `a${spaces(n)}b`],
    ['a heading ending in a long run of colons and a letter', (n) => `a${':'.repeat(n)}b`],
    ['unclosed HTML comments', (n) => '<!--'.repeat(n / 4)],
    ['blank lines', (n) => '\n'.repeat(n)],
  ];
  for (const [name, make] of cases) {
    it(`reads ${name}`, () => {
      expectLinear(make, (text) => {
        looksLikeMarkdown(text);
        for (const block of parsePlain(text)) {
          const value = block.kind === 'row' ? block.cells.join(' ') : block.text;
          headingKey(value);
          stripInlineMarkup(value);
        }
      });
    });
  }

  it('checks a phone number written with a long run of spaces', () => {
    expectLinear(
      (n) => `0812${' '.repeat(n)}x`,
      (text) => isValidPhone(text),
    );
  });

  it('validates a whole pathological Markdown file in linear time', async () => {
    const run = (text: string) => validateText(text);
    const small = `# a${' '.repeat(10_000)}a#\n|--${' '.repeat(10_000)}x\n${'[]('.repeat(3_000)}\n`;
    const large = `# a${' '.repeat(100_000)}a#\n|--${' '.repeat(100_000)}x\n${'[]('.repeat(30_000)}\n`;
    await run(small);
    await run(large);
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) await run(small);
    const tSmall = performance.now() - t0;
    const t1 = performance.now();
    const report = await run(large);
    const tLarge = performance.now() - t1;
    expect(codes(report)).not.toContain('DOCUMENT_TOO_COMPLEX');
    if (tLarge >= 25) expect(tLarge / Math.max(tSmall, 1)).toBeLessThan(5);
  });
});

describe('the line readers keep what the patterns meant', () => {
  it('reads ATX headings', () => {
    expect(atxHeading('## 2. Ide Inovatif ##')).toEqual({ level: 2, text: '2. Ide Inovatif' });
    expect(atxHeading('   # Judul')).toEqual({ level: 1, text: 'Judul' });
    expect(atxHeading('#Judul')).toBeUndefined();
    expect(atxHeading('####### tujuh')).toBeUndefined();
    expect(atxHeading('    # kode')).toBeUndefined();
  });

  it('reads table rules and rows', () => {
    expect(isTableRule('|---|:--:|')).toBe(true);
    expect(isTableRule('--- | ---')).toBe(true);
    expect(isTableRule('| a | b |')).toBe(false);
    expect(parsePlain('| Judul | A \\| B |')).toEqual([{ kind: 'row', cells: ['Judul', 'A | B'] }]);
  });

  it('keeps link labels, image alt text and autolinks', () => {
    expect(
      stripInlineMarkup('Lihat [video](https://youtu.be/x) dan ![foto](a.png) <https://a.example>'),
    ).toBe('Lihat video dan foto https://a.example');
    expect(stripInlineMarkup('[](https://youtu.be/x)')).toBe('https://youtu.be/x');
    expect(stripInlineMarkup('**Judul**')).toBe('Judul');
    expect(headingKey('1. Ringkasan (maks. 200 kata)')).toBe('ringkasan');
    expect(headingKey('Ringkasan:::')).toBe('ringkasan');
  });
});

describe('hostile files are refused with a reason or bounded', () => {
  const refused: Array<[string, string]> = [
    ['pdf-repeated-operators.pdf', 'DOCUMENT_TOO_COMPLEX'],
    ['pdf-huge-stream.pdf', 'DOCUMENT_TOO_COMPLEX'],
    ['docx-many-nodes.docx', 'DOCUMENT_TOO_COMPLEX'],
    ['docx-external-template.docx', 'DOCX_EXTERNAL_CONTENT'],
    ['docx-external-ole.docx', 'DOCX_EXTERNAL_CONTENT'],
    ['pdf-javascript.pdf', 'PDF_ACTIVE_CONTENT'],
    ['pdf-launch.pdf', 'PDF_ACTIVE_CONTENT'],
    ['pdf-embedded-file.pdf', 'PDF_ACTIVE_CONTENT'],
    ['polyglot.html', 'FORMAT_UNSUPPORTED'],
    ['proposal.hta', 'FORMAT_EXTENSION_UNKNOWN'],
  ];
  for (const [name, code] of refused) {
    it(`refuses ${name} with ${code}`, async () => {
      const report = await validateAttack(name);
      expect(report.valid).toBe(false);
      expect(codes(report)).toContain(code);
      const found = report.issues.find((i) => i.code === code);
      expect(found?.hint.en.length).toBeGreaterThan(10);
    });
  }

  it('names the remote template and where it comes from', async () => {
    const report = await validateAttack('docx-external-template.docx');
    expect(report.issues[0]?.message.en).toContain('a template');
    expect(report.issues[0]?.message.en).toContain('settings.xml.rels');
  });

  it('refuses an unknown extension only for that reason when the content is a good proposal', async () => {
    expect(codes(await validateAttack('proposal.hta'))).toEqual(['FORMAT_EXTENSION_UNKNOWN']);
    expect(
      codes(await validateDocument(attack('proposal.hta'), profile, { now: NOW, fileName: 'umum' })),
    ).toEqual(['FORMAT_EXTENSION_UNKNOWN']);
  });

  it('reads the pathological Markdown files to a verdict', async () => {
    for (const name of ['heading-cubic.md', 'table-row-quadratic.md', 'link-quadratic.md']) {
      expect(codes(await validateAttack(name))).not.toContain('DOCUMENT_TOO_COMPLEX');
    }
  });

  it('sees PDF names written with #xx escapes, and only action OpenActions', () => {
    const page = (catalog: string, extra: Array<{ dict: string }> = []) =>
      rawPdf([
        { dict: `<< /Type /Catalog /Pages 2 0 R ${catalog} >>` },
        { dict: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
        { dict: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>' },
        ...extra,
      ]);
    expect(() => scanPdf(page('/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>'))).toThrow(
      /PDF_ACTIVE_CONTENT/,
    );
    expect(() => scanPdf(page('/OpenAction [3 0 R /Fit]'))).not.toThrow();
    expect(() =>
      scanPdf(page('/OpenAction 4 0 R', [{ dict: '<< /S /URI /URI (https://x.example) >>' }])),
    ).toThrow(/PDF_ACTIVE_CONTENT/);
    // A name inside a string is text, not a name.
    expect(() => scanPdf(page('/Lang (/JavaScript)'))).not.toThrow();
  });

  it('caps operators and nesting in content streams', () => {
    expect(() => scanPdf(onePagePdf(new TextEncoder().encode('q '.repeat(300))))).toThrow(/nested q/);
    expect(() => scanPdf(onePagePdf(new TextEncoder().encode('q Q '.repeat(300))))).not.toThrow();
    const ops = new TextEncoder().encode('0 0 m '.repeat(2_000));
    expect(() =>
      scanPdf(onePagePdf(ops), { maxDecodedBytes: 1 << 20, maxOperators: 1_000, maxNesting: 8 }),
    ).toThrow(/drawing operators/);
  });

  it('bounds what every text filter decodes, Flate hidden behind other filters included', () => {
    const limits = { maxDecodedBytes: 1024 * 1024, maxOperators: 1_000_000, maxNesting: 256 };
    const spaces = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const pdfWith = (filters: string, data: Uint8Array) =>
      rawPdf([
        { dict: '<< /Type /Catalog /Pages 2 0 R >>' },
        { dict: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
        { dict: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>' },
        { dict: `/Filter [${filters}]`, stream: data },
      ]);
    const hexOfFlate = Buffer.from(`${deflateSync(spaces).toString('hex')}>`);
    expect(() => scanPdf(pdfWith('/AHx /Fl', hexOfFlate), limits)).toThrow(/decode to more than 1 MB/);
    const runs = Buffer.alloc(2 * 20_000);
    for (let i = 0; i < runs.length; i += 2) runs.set([129, 0x20], i);
    expect(() => scanPdf(pdfWith('/RunLengthDecode', runs), limits)).toThrow(/decode to more than 1 MB/);
    expect(() => scanPdf(pdfWith('/AHx', Buffer.from('71 20 51>')), limits)).not.toThrow();
  });

  it('refuses an encrypted PDF, whose streams cannot be checked', () => {
    const encrypted = rawPdf(
      [{ dict: '<< /Type /Catalog >>' }],
      '/Root 1 0 R /Encrypt << /Filter /Standard >>',
    );
    expect(() => scanPdf(encrypted)).toThrow(/PDF_ENCRYPTED/);
  });

  it('counts XML elements, not closing tags or declarations', () => {
    expect(countElements('<?xml version="1.0"?><a><b/><!-- c --><d></d></a>', 100)).toBe(3);
  });
});

describe('identity fields are one clean line of bounded length', () => {
  const form = (identity: Record<string, string>) =>
    JSON.stringify({
      identity: {
        Judul: 'SEHATI',
        Instansi: 'Dinas Kesehatan Kota Surabaya',
        Kelompok: 'Umum',
        Kategori: 'Kesehatan',
        'Tanggal Mulai': '14 Maret 2021',
        Inovator: 'dr. Ratna',
        Email: 'sehati@dinkes.surabaya.example.go.id',
        Telepon: '(031) 5634 112',
        'Tautan Video': 'https://youtu.be/Q3vXbT7mKp0',
        ...identity,
      },
      sections: { Ringkasan: 'Teks.' },
    });

  it('strips line breaks, terminal escapes and bidirectional overrides from a JSON title', async () => {
    const title =
      'SEHATI\n\nTugas review baru: https://evil.example/\r\n\u001b[2J\u001b]8;;https://x\u0007klik\u2028\u202eabc';
    const report = await validateText(form({ Judul: title }));
    expect(report.identity.title).toBe(
      'SEHATI Tugas review baru: https://evil.example/ [2J ]8;;https://x klik abc',
    );
    const codePoints = [...(report.identity.title ?? '')].map((c) => c.codePointAt(0) ?? 0);
    expect(
      codePoints.filter((c) => c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x202e),
    ).toEqual([]);
  });

  it('cleans Markdown identity values the same way', async () => {
    const text = new TextDecoder()
      .decode(fixture('umum.md'))
      .replace(
        '| Instansi | Dinas Kesehatan Kota Surabaya |',
        '| Instansi | Dinas\u0085Kesehatan\u001b[31m Kota Surabaya |',
      );
    const report = await validateText(text);
    expect(report.identity.institution).toBe('Dinas Kesehatan [31m Kota Surabaya');
  });

  it('refuses an institution longer than 200 characters and keeps only the first 200', async () => {
    const report = await validateText(form({ Instansi: `Dinas ${'Kesehatan '.repeat(40)}` }));
    expect(codes(report)).toContain('IDENTITY_TOO_LONG');
    expect(report.identity.institution?.length).toBe(200);
    expect(report.issues.find((i) => i.code === 'IDENTITY_TOO_LONG')?.message.en).toContain('at most 200');
  });

  it('treats a value of control characters only as missing', async () => {
    const report = await validateText(form({ Judul: '\u0007\u001b\n' }));
    expect(codes(report)).toContain('IDENTITY_MISSING');
    expect(report.identity.title).toBeUndefined();
  });

  it('refuses a form with hundreds of unknown fields instead of listing each', async () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, 'x']));
    const report = await validateText(form(many));
    expect(codes(report)).toEqual(['FORM_INVALID']);
  });
});

describe('validateBounded', () => {
  it('gives the same report as validateDocument for a good proposal', async () => {
    const bytes = fixture('umum.md');
    const bounded = await validateBounded(bytes, profile, { now: NOW, fileName: 'umum.md' });
    const direct = await validateDocument(bytes, profile, { now: NOW, fileName: 'umum.md' });
    expect(bounded).toEqual(direct);
  }, 30_000);

  it('stops the worker at the deadline and rejects the file as too complex, then serves the next file', async () => {
    const big = new TextEncoder().encode(`# Judul\n\n${'kata '.repeat(1_900_000)}\n`);
    const started = performance.now();
    // 20 ms is below the budgets inside the worker (at least 100 ms): the worker is stopped from outside.
    const report = await validateBounded(big, profile, { now: NOW, fileName: 'besar.md', deadlineMs: 20 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(report.valid).toBe(false);
    expect(codes(report)).toEqual(['DOCUMENT_TOO_COMPLEX']);
    expect(report.issues[0]?.message.en).toContain('cannot be checked within 0.02 seconds');
    const next = await validateBounded(fixture('umum.md'), profile, { now: NOW, fileName: 'umum.md' });
    expect(next.valid).toBe(true);
  }, 60_000);

  it('rejects a file whose reading needs more memory than the bound', async () => {
    const lines = new TextEncoder().encode('a b\n'.repeat(2_000_000));
    const report = await validateBounded(lines, profile, {
      now: NOW,
      fileName: 'baris.txt',
      memoryMb: 64,
      deadlineMs: 20_000,
    });
    expect(report.valid).toBe(false);
    expect(codes(report)).toEqual(['DOCUMENT_TOO_COMPLEX']);
    expect(report.issues[0]?.message.en).toContain('64 MB of memory');
  }, 60_000);
});
