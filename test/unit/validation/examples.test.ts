import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../../../functions/lib/validation';
import { NOW, profile, ROOT } from './helpers';

const EXAMPLES = join(ROOT, 'examples');
const expected = JSON.parse(readFileSync(join(EXAMPLES, 'proposals/expected.json'), 'utf8')) as Array<{
  file: string;
  agency: string;
  expect: 'REVIEWED' | 'REJECTED';
  why: string;
}>;

describe('the demo proposals', () => {
  it('include at least 3 valid and 3 invalid proposals in md, docx and pdf', () => {
    const valid = expected.filter((e) => e.expect === 'REVIEWED');
    const invalid = expected.filter((e) => e.expect === 'REJECTED');
    expect(valid.length).toBeGreaterThanOrEqual(3);
    expect(invalid.length).toBeGreaterThanOrEqual(3);
    for (const ext of ['.md', '.docx', '.pdf']) expect(valid.some((e) => e.file.endsWith(ext))).toBe(true);
  });

  for (const entry of expected) {
    it(`${entry.expect === 'REVIEWED' ? 'accepts' : 'rejects'} ${entry.file} (${entry.agency})`, async () => {
      const bytes = readFileSync(join(EXAMPLES, 'proposals', entry.file));
      const report = await validateDocument(bytes, profile, { now: NOW, fileName: entry.file });
      expect(report.valid).toBe(entry.expect === 'REVIEWED');
      if (!report.valid) {
        // The reason named in expected.json is the (only) error found.
        const [code] = entry.why.split(':');
        expect(report.issues.filter((i) => i.severity === 'error').map((i) => i.code)).toEqual([code]);
      }
      expect(entry.agency).toMatch(/^[a-z]+(?:-[a-z]+)+$/);
    });
  }
});

describe('the templates', () => {
  for (const group of ['umum', 'replikasi', 'khusus']) {
    for (const ext of ['md', 'docx']) {
      it(`the ${group} template in ${ext.toUpperCase()} validates clean`, async () => {
        const report = await validateDocument(
          readFileSync(join(EXAMPLES, `templates/${group}.${ext}`)),
          profile,
          {
            now: NOW,
          },
        );
        expect(report.issues).toEqual([]);
        expect(report.group).toBe(group);
      });
    }
  }
});
