import { describe, expect, it } from 'vitest';
import {
  checkGeneration,
  csrfMatches,
  csrfToken,
  portalLinkExpiry,
  signPortalLink,
  verifyPortalLink,
} from '../../../functions/lib/portal/links';

const SECRET = 'k'.repeat(40);
const OTHER = 'o'.repeat(40);
const now = new Date('2026-05-01T00:00:00Z');
const credential = { agency: 'pemkot-depok', generation: 2, expiresAt: new Date('2026-06-01T00:00:00Z') };
const params = (query: string) => Object.fromEntries(new URLSearchParams(query));

describe('portal links', () => {
  it('verifies a link it signed, for its agency and generation', () => {
    const link = verifyPortalLink(params(signPortalLink(credential, SECRET)), [SECRET], now);
    expect(link).toEqual({ ok: true, credential });
  });

  it('accepts a link signed with the previous secret during a rotation', () => {
    const link = verifyPortalLink(params(signPortalLink(credential, OTHER)), [SECRET, OTHER], now);
    expect(link.ok).toBe(true);
  });

  it.each([
    ['another agency', { a: 'pemkot-bogor' }],
    ['another generation', { g: '3' }],
    ['a later expiry', { e: String(Date.parse('2027-01-01') / 1000) }],
  ])('refuses a link whose %s was edited as forged', (_, change) => {
    const query = { ...params(signPortalLink(credential, SECRET)), ...change };
    expect(verifyPortalLink(query, [SECRET], now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a link signed with an unknown secret as forged, an incomplete one as malformed', () => {
    expect(verifyPortalLink(params(signPortalLink(credential, OTHER)), [SECRET], now)).toEqual({
      ok: false,
      reason: 'forged',
    });
    const { s: _dropped, ...rest } = params(signPortalLink(credential, SECRET));
    expect(verifyPortalLink(rest, [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyPortalLink({ ...rest, s: 'x' }, [SECRET], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(
      verifyPortalLink({ ...params(signPortalLink(credential, SECRET)), a: '../x' }, [SECRET], now),
    ).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses an expired link as expired', () => {
    const link = verifyPortalLink(
      params(signPortalLink(credential, SECRET)),
      [SECRET],
      new Date('2026-06-01T00:00:00Z'),
    );
    expect(link).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link of an older generation (revoked) and of an agency no longer registered', () => {
    expect(checkGeneration(credential, 2).ok).toBe(true);
    expect(checkGeneration(credential, 3)).toEqual({ ok: false, reason: 'revoked' });
    expect(checkGeneration(credential, undefined)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('binds CSRF tokens to the link', () => {
    const token = csrfToken(credential, SECRET);
    expect(csrfMatches(token, credential, [SECRET])).toBe(true);
    expect(csrfMatches(token, { ...credential, agency: 'pemkot-bogor' }, [SECRET])).toBe(false);
    expect(csrfMatches(token, { ...credential, generation: 3 }, [SECRET])).toBe(false);
    expect(csrfMatches(undefined, credential, [SECRET])).toBe(false);
    expect(csrfMatches('not-a-token', credential, [SECRET])).toBe(false);
  });

  it('expires links a margin after submissions close', () => {
    expect(portalLinkExpiry(new Date('2026-06-30T16:59:59Z'), 120).toISOString()).toBe(
      '2026-10-28T16:59:59.000Z',
    );
  });
});
