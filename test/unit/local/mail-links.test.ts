import { describe, expect, it } from 'vitest';
import { buildReviewUrl } from '../../../functions/lib/review/signing';
import { isSystemReviewLink, systemPortalLinks, systemReviewLinks } from '../../../local/mail-links';

const BASE = 'http://127.0.0.1:4010/review';
const SECRET = 'a-local-signing-secret-of-enough-length-0123456789';
const LINK = buildReviewUrl(BASE, 'AbCdEfGhIjKlMnOpQrStUvWx', new Date('2030-01-01T00:00:00Z'), SECRET);

describe('the review links npm start prints', () => {
  it('finds the link the system built in an email text', () => {
    const text = `Buka tugas penilaian:\n${LINK}\n`;
    expect(systemReviewLinks(text, BASE)).toEqual([LINK]);
    expect(systemReviewLinks(text, `${BASE}/`)).toEqual([LINK]);
  });

  it.each([
    ['another host', LINK.replace('127.0.0.1:4010', 'evil.example')],
    ['another port', LINK.replace(':4010', ':4011')],
    ['another path', LINK.replace('/review?', '/review/x?')],
    ['https instead of http', LINK.replace('http:', 'https:')],
    ['credentials in the URL', LINK.replace('http://', 'http://user:pw@')],
    ['an extra parameter', `${LINK}&next=https://evil.example`],
    ['a fragment', `${LINK}#x`],
    ['a missing signature', LINK.replace(/&s=[^&]+/, '')],
    ['a repeated parameter', `${LINK}&r=AbCdEfGhIjKlMnOpQrStUvWx`],
    ['a bad review id', LINK.replace(/r=[^&]+/, 'r=%3Cscript%3E')],
    ['a look-alike found in a title', 'http://127.0.0.1:4010/review?r=../../login&e=1&s=x'],
  ])('ignores a link with %s', (_, link) => {
    expect(isSystemReviewLink(link, BASE)).toBe(false);
    expect(systemReviewLinks(`Judul: ${link}\n${LINK}`, BASE)).toEqual([LINK]);
  });
});

describe('portal links in the mail log', () => {
  const portal = 'http://127.0.0.1:4000/portal';
  const signed = `${portal}?a=pemkot-depok&g=0&e=1790000000&s=${'A'.repeat(43)}`;

  it('finds the invitation link the system signed', () => {
    expect(systemPortalLinks(`Buka portal: ${signed}\n`, portal)).toEqual([signed]);
  });

  it('takes no other link for a portal link', () => {
    const text = [
      `${signed}&next=https://evil.example`,
      `https://evil.example/portal?a=pemkot-depok&g=0&e=1790000000&s=${'A'.repeat(43)}`,
      `${portal}?a=Pemkot&g=0&e=1&s=${'A'.repeat(43)}`,
    ].join('\n');
    expect(systemPortalLinks(text, portal)).toEqual([]);
  });
});
