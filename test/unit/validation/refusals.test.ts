import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../../functions/lib/profile';
import { validateDocument } from '../../../functions/lib/validation';
import { DocumentRejected } from '../../../functions/lib/validation/errors';
import { listZip } from '../../../functions/lib/validation/zip';
import { codes, fixture, NOW, profile, validateFixture } from './helpers';

/** A refusal is a single error in both languages with a way to fix it; nothing else is reported. */
function expectRefused(report: Awaited<ReturnType<typeof validateFixture>>, code: string) {
  expect(report.valid).toBe(false);
  expect(codes(report)).toEqual([code]);
  const issue = report.issues[0];
  expect(issue?.severity).toBe('error');
  expect(issue?.message.id).toBeTruthy();
  expect(issue?.message.en).toBeTruthy();
  expect(issue?.message.id).not.toBe(issue?.message.en);
  expect(issue?.hint.id).toBeTruthy();
  expect(issue?.hint.en).toBeTruthy();
  return issue!;
}

describe('files refused with an actionable message', () => {
  it('refuses an empty file', async () => {
    const report = await validateFixture('empty.txt');
    expectRefused(report, 'FILE_EMPTY');
  });

  it('refuses a file ten times the size limit without reading its content', async () => {
    const bytes = new Uint8Array(profile.files.maxBytes * 10);
    bytes.set(fixture('umum.docx'));
    const report = await validateDocument(bytes, profile, { now: NOW });
    const issue = expectRefused(report, 'FILE_TOO_LARGE');
    expect(issue.message.en).toContain('100.0 MB');
    expect(issue.message.en).toContain('10.0 MB');
  });

  it('refuses a file whose declared size is over the limit even when only its start was passed', async () => {
    const report = await validateDocument(fixture('umum.docx'), profile, { declaredSize: 50 * 1024 * 1024 });
    expectRefused(report, 'FILE_TOO_LARGE');
  });

  it('refuses a legacy Word .doc and says to save it as .docx or PDF', async () => {
    const issue = expectRefused(await validateFixture('legacy.doc'), 'FORMAT_UNSUPPORTED');
    expect(issue.message.id).toContain('.doc');
    expect(issue.hint.id).toContain('.docx');
    expect(issue.hint.en).toContain('PDF');
  });

  it('refuses a password-protected Word document', async () => {
    expectRefused(await validateFixture('password.docx'), 'DOCX_ENCRYPTED');
  });

  it('refuses a photo instead of a document', async () => {
    const issue = expectRefused(await validateFixture('photo.png'), 'FORMAT_UNSUPPORTED');
    expect(issue.message.en).toContain('PNG');
    expect(issue.hint.en).toMatch(/not a photo or scan/);
  });

  it('refuses a ZIP that is not a Word document', async () => {
    const issue = expectRefused(await validateFixture('spreadsheet.zip'), 'FORMAT_UNSUPPORTED');
    expect(issue.message.en).toContain('Excel');
  });

  it('refuses a scanned PDF without a text layer', async () => {
    const issue = expectRefused(await validateFixture('scanned.pdf'), 'PDF_NO_TEXT');
    expect(issue.hint.en).toContain('OCR');
  });

  it('refuses a password-protected PDF', async () => {
    expectRefused(await validateFixture('encrypted.pdf'), 'PDF_ENCRYPTED');
  });

  it('refuses a corrupt PDF', async () => {
    expectRefused(await validateFixture('corrupt.pdf'), 'FILE_CORRUPT');
  });

  it('refuses a truncated PDF', async () => {
    expectRefused(await validateFixture('truncated.pdf'), 'FILE_CORRUPT');
  });

  it('refuses a truncated DOCX', async () => {
    expectRefused(await validateFixture('truncated.docx'), 'FILE_CORRUPT');
  });

  it('refuses a PDF that cannot be read within the time budget', async () => {
    const report = await validateDocument(fixture('umum.pdf'), profile, { pdfTimeoutMs: 1 });
    expectRefused(report, 'PDF_TIMEOUT');
  });

  it('refuses Windows-1252 text and says where the first bad byte is', async () => {
    const issue = expectRefused(await validateFixture('windows-1252.txt'), 'ENCODING_INVALID');
    expect(issue.message.en).toMatch(/offset \d+/);
    expect(issue.hint.en).toContain('UTF-8');
  });

  it('refuses UTF-16 text', async () => {
    expectRefused(await validateFixture('utf16.txt'), 'ENCODING_INVALID');
  });

  it('refuses a format the competition does not accept', async () => {
    const pdfOnly = parseProfile({ ...profile, files: { ...profile.files, formats: ['pdf'] } }, 'test');
    const report = await validateDocument(fixture('umum.md'), pdfOnly);
    const issue = expectRefused(report, 'FORMAT_UNSUPPORTED');
    expect(issue.hint.en).toContain('PDF');
  });
});

describe('hostile documents are bounded', () => {
  it('refuses a zip bomb from the central directory sizes before inflating', async () => {
    const started = performance.now();
    const issue = expectRefused(await validateFixture('zip-bomb.docx'), 'ARCHIVE_TOO_LARGE');
    expect(issue.message.en).toMatch(/zip bomb/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an archive with thousands of entries', async () => {
    expectRefused(await validateFixture('zip-many-entries.docx'), 'ARCHIVE_TOO_LARGE');
  });

  it('refuses an archive whose total unpacked size is over the limit', () => {
    const zip = zipSync({ a: new Uint8Array(3000), b: new Uint8Array(3000) }, { level: 0 });
    const limits = {
      maxEntries: 10,
      maxTotalUncompressed: 5000,
      maxEntryUncompressed: 5000,
      maxRatio: 200,
      ratioFloor: 1,
    };
    expect(() => listZip(zip, limits)).toThrowError(DocumentRejected);
    expect(listZip(zip, { ...limits, maxTotalUncompressed: 6000 })).toHaveLength(2);
  });

  it('refuses XML entity expansion (billion laughs) without expanding anything', async () => {
    expectRefused(await validateFixture('entity-expansion.docx'), 'XML_UNSAFE');
  });

  it('refuses archive entries whose names climb out of the package', async () => {
    const issue = expectRefused(await validateFixture('traversal.docx'), 'ARCHIVE_UNSAFE_PATH');
    expect(issue.message.en).toContain('../../etc/cron.d/evil');
  });

  for (const name of ['/etc/passwd', 'C:/Windows/system.ini', 'word\\..\\evil']) {
    it(`refuses the unsafe entry name ${name}`, async () => {
      const zip = zipSync({ 'word/document.xml': strToU8('<w:document/>'), [name]: strToU8('x') });
      const report = await validateDocument(zip, profile);
      expectRefused(report, 'ARCHIVE_UNSAFE_PATH');
    });
  }

  it('refuses XML nested thousands of levels deep', async () => {
    expectRefused(await validateFixture('deep-nesting.docx'), 'DOCUMENT_TOO_COMPLEX');
  });

  it('refuses a macro-enabled document (vbaProject.bin)', async () => {
    expectRefused(await validateFixture('macros.docm'), 'DOCX_MACROS');
  });

  it('refuses a macro-enabled document (content type only)', async () => {
    expectRefused(await validateFixture('macro-enabled.docx'), 'DOCX_MACROS');
  });

  it('never throws on random bytes behind a PDF, ZIP or text header', async () => {
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 16) & 0xff;
    };
    const headers = [
      strToU8('%PDF-1.7\n'),
      new Uint8Array([0x50, 0x4b, 0x03, 0x04]),
      strToU8('# Ringkasan\n'),
      new Uint8Array(),
    ];
    for (let i = 0; i < 60; i++) {
      const header = headers[i % headers.length]!;
      const body = Uint8Array.from({ length: 64 + ((i * 97) % 2000) }, random);
      const bytes = new Uint8Array(header.length + body.length);
      bytes.set(header);
      bytes.set(body, header.length);
      const report = await validateDocument(bytes, profile, { pdfTimeoutMs: 2000 });
      expect(report.valid).toBe(false);
      expect(report.issues.length).toBeGreaterThan(0);
    }
  });
});
