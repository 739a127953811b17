import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateCommand } from '../../../cli/commands/validate';
import { DOCUMENTS, ROOT } from './helpers';

let output = '';
let errors = '';
let dir = '';

beforeEach(() => {
  output = '';
  errors = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    errors += String(chunk);
    return true;
  });
  dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const doc = (name: string) => join(DOCUMENTS, name);

describe('proposals validate', () => {
  it('exits 0 and prints a readable Indonesian report when every file is valid', async () => {
    const code = await validateCommand([doc('umum.md'), doc('khusus.docx')]);
    expect(code).toBe(0);
    expect(output).toContain(`== ${doc('umum.md')} ==`);
    expect(output).toContain('Hasil validasi: LOLOS');
    expect(output).toContain('2 berkas: 2 lolos, 0 tidak lolos');
  });

  it('exits 1 when any file is invalid and explains it in English on request', async () => {
    const code = await validateCommand([doc('umum.pdf'), doc('scanned.pdf')], { lang: 'en' });
    expect(code).toBe(1);
    expect(output).toContain('the PDF has no text layer');
    expect(output).toContain('2 files: 1 passed, 1 not passed');
  });

  it('exits 2 when a file cannot be read at all', async () => {
    const code = await validateCommand([doc('umum.md'), join(dir, 'tidak-ada.docx')]);
    expect(code).toBe(2);
    expect(output).toContain('berkas tidak dapat dibaca (ENOENT)');
  });

  it('prints JSON with messages in the chosen language', async () => {
    const code = await validateCommand([doc('legacy.doc'), doc('replikasi.docx'), dir], {
      json: true,
      lang: 'en',
    });
    expect(code).toBe(2);
    const results = JSON.parse(output) as Array<Record<string, unknown>>;
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({
      file: doc('legacy.doc'),
      valid: false,
      issues: [
        { code: 'FORMAT_UNSUPPORTED', severity: 'error', message: expect.stringContaining('legacy Word') },
      ],
    });
    expect(results[1]).toMatchObject({ valid: true, group: 'replikasi', issues: [] });
    expect(results[1]?.sections).toHaveLength(4);
    expect(results[2]).toMatchObject({ valid: false, issues: [{ code: 'FILE_UNREADABLE' }] });
  });

  it('reads no more than the size limit of a huge file and refuses it', async () => {
    const huge = join(dir, 'besar.pdf');
    writeFileSync(huge, '%PDF-1.7\n');
    truncateSync(huge, 100 * 1024 * 1024);
    const code = await validateCommand([huge], { json: true });
    expect(code).toBe(1);
    const [result] = JSON.parse(output) as Array<{ issues: Array<{ code: string; message: string }> }>;
    expect(result?.issues[0]?.code).toBe('FILE_TOO_LARGE');
    expect(result?.issues[0]?.message).toContain('100.0 MB');
  });

  it('uses a profile file given by path', async () => {
    const path = join(dir, 'profil.json');
    const kipp = JSON.parse(
      await import('node:fs').then((fs) => fs.readFileSync(join(ROOT, 'profiles/kipp.json'), 'utf8')),
    );
    kipp.groups[0].sections[0].maxWords = 50;
    writeFileSync(path, JSON.stringify(kipp));
    const code = await validateCommand([doc('umum.md')], { profile: path, lang: 'en' });
    expect(code).toBe(1);
    expect(output).toContain('Ringkasan exceeds 50 words (109)');
  });

  it('exits 2 with the offending field when the profile is invalid', async () => {
    const path = join(dir, 'rusak.json');
    writeFileSync(path, JSON.stringify({ id: 'x' }));
    const code = await validateCommand([doc('umum.md')], { profile: path });
    expect(code).toBe(2);
    expect(errors).toContain('tidak valid');
    expect(errors).toContain('name: wajib diisi');
    expect(output).toBe('');
  });
});
