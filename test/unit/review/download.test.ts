import { describe, expect, it } from 'vitest';
import { downloadHeaders } from '../../../functions/lib/review/download';

describe('download headers', () => {
  it.each([
    ['pdf', 'application/pdf', 'pdf'],
    ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'],
    ['markdown', 'text/plain; charset=utf-8', 'md'],
    ['text', 'text/plain; charset=utf-8', 'txt'],
    ['json', 'application/json', 'json'],
  ])('serves a %s proposal as %s named <id>.%s', (format, type, ext) => {
    const headers = downloadHeaders(format, 'p-0123abcd');

    expect(headers.contentType).toBe(type);
    expect(headers.contentDisposition).toBe(
      `attachment; filename="p-0123abcd.${ext}"; filename*=UTF-8''p-0123abcd.${ext}`,
    );
  });

  it.each([undefined, 'unknown', 'html', '__proto__', 'constructor'])(
    'serves an unknown format (%s) as opaque bytes, never as HTML',
    (format) => {
      const headers = downloadHeaders(format, 'p-1');

      expect(headers.contentType).toBe('application/octet-stream');
      expect(headers.contentDisposition).toMatch(/^attachment; filename="p-1\.bin"/);
    },
  );

  it('keeps quotes, separators and line breaks of an id out of the header', () => {
    const headers = downloadHeaders('pdf', 'a"b;\r\nContent-Type: text/html/../é.hta');

    expect(headers.contentDisposition).toMatch(
      /^attachment; filename="[A-Za-z0-9_.-]+"; filename\*=UTF-8''[A-Za-z0-9_.-]+$/,
    );
    expect(headers.contentDisposition).toContain('.pdf"');
    expect(headers.contentDisposition).not.toMatch(/[\r\n]|\.hta/);
  });
});
