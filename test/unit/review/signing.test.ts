import { describe, expect, it } from 'vitest';
import { ReviewLinkError } from '../../../functions/lib/review/errors';
import {
  buildReviewUrl,
  newReviewId,
  reviewLinkExpiry,
  signReviewLink,
  verifyReviewLink,
} from '../../../functions/lib/review/signing';
import { OLD_SECRET, SECRET } from './fixtures';

const NOW = new Date('2025-07-01T00:00:00Z');
const EXPIRES = new Date('2025-07-20T10:30:45.900Z');
const ID = 'AbCdEfGhIjKlMnOpQrStUvWx';

const params = (query: string) => Object.fromEntries(new URLSearchParams(query));

describe('signed review links', () => {
  it('opens the task for a link the system signed, until its expiry second', () => {
    const result = verifyReviewLink(params(signReviewLink(ID, EXPIRES, SECRET)), SECRET, NOW);
    expect(result).toEqual({ ok: true, reviewId: ID, expiresAt: new Date('2025-07-20T10:30:45Z') });
  });

  it('carries only the review id, the expiry and the signature', () => {
    const query = signReviewLink(ID, EXPIRES, SECRET);
    expect(Object.keys(params(query))).toEqual(['r', 'e', 's']);
    expect(params(query).e).toBe(String(Math.floor(EXPIRES.getTime() / 1000)));
    expect(params(query).s).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('builds the full link on the review base URL, dropping any query or fragment there', () => {
    const url = new URL(buildReviewUrl('https://api.example.org/prod/review?x=1#top', ID, EXPIRES, SECRET));
    expect(url.origin + url.pathname).toBe('https://api.example.org/prod/review');
    expect(url.hash).toBe('');
    expect(verifyReviewLink(Object.fromEntries(url.searchParams), SECRET, NOW)).toMatchObject({ ok: true });
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => buildReviewUrl('javascript:alert(1)', ID, EXPIRES, SECRET)).toThrow(ReviewLinkError);
    expect(() => buildReviewUrl('not a url', ID, EXPIRES, SECRET)).toThrow(ReviewLinkError);
  });

  it('reports an expired link once its expiry second is reached', () => {
    const p = params(signReviewLink(ID, EXPIRES, SECRET));
    expect(verifyReviewLink(p, SECRET, new Date('2025-07-20T10:30:44.999Z')).ok).toBe(true);
    expect(verifyReviewLink(p, SECRET, new Date('2025-07-20T10:30:45Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('reports a link signed with another secret as forged', () => {
    const p = params(signReviewLink(ID, EXPIRES, 'some-other-secret-that-is-long-enough!!'));
    expect(verifyReviewLink(p, SECRET, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('reports a link whose review id was swapped as forged', () => {
    const p = params(signReviewLink(ID, EXPIRES, SECRET));
    expect(verifyReviewLink({ ...p, r: 'ZZZZEfGhIjKlMnOpQrStUvWx' }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('reports a link whose expiry was pushed later as forged', () => {
    const p = params(signReviewLink(ID, EXPIRES, SECRET));
    expect(verifyReviewLink({ ...p, e: String(Number(p.e) + 86_400) }, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('reports a link with one signature character changed as forged', () => {
    const p = params(signReviewLink(ID, EXPIRES, SECRET));
    const s = p.s ?? '';
    const changed = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(verifyReviewLink({ ...p, s: changed }, SECRET, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('reports a forged link as forged even when it is also expired', () => {
    const p = params(
      signReviewLink(ID, new Date('2025-01-01T00:00:00Z'), 'another-secret-long-enough-for-hmac-use'),
    );
    expect(verifyReviewLink(p, SECRET, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a second spelling of the same signature (spare base64 bits)', () => {
    const p = params(signReviewLink(ID, EXPIRES, SECRET));
    const s = p.s ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(s.at(-1) ?? 'A');
    // The last character carries 4 signature bits and 2 spare ones; flipping a spare bit keeps the bytes.
    const sibling = s.slice(0, -1) + alphabet[last ^ 1];
    expect(Buffer.from(sibling, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    expect(verifyReviewLink({ ...p, s: sibling }, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    ['no parameters', {}],
    ['no signature', { r: ID, e: '1752000000' }],
    ['no expiry', { r: ID, s: 'a'.repeat(43) }],
    ['a non-numeric expiry', { r: ID, e: '17520x0000', s: 'a'.repeat(43) }],
    ['a short review id', { r: 'abc', e: '1752000000', s: 'a'.repeat(43) }],
    ['a review id with odd characters', { r: `${ID}<>`, e: '1752000000', s: 'a'.repeat(43) }],
    ['a truncated signature', { r: ID, e: '1752000000', s: 'a'.repeat(42) }],
    ['repeated parameters joined by the gateway', { r: `${ID},${ID}`, e: '1752000000', s: 'a'.repeat(43) }],
  ])('reports a link with %s as malformed', (_label, p) => {
    expect(verifyReviewLink(p, SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('keeps links signed before a key rotation working while the old secret is listed', () => {
    const old = params(signReviewLink(ID, EXPIRES, OLD_SECRET));
    const fresh = params(signReviewLink(ID, EXPIRES, SECRET));
    expect(verifyReviewLink(old, [SECRET, OLD_SECRET], NOW)).toMatchObject({ ok: true, reviewId: ID });
    expect(verifyReviewLink(fresh, [SECRET, OLD_SECRET], NOW)).toMatchObject({ ok: true, reviewId: ID });
    expect(verifyReviewLink(old, [SECRET], NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses to sign or verify with a weak or missing secret', () => {
    expect(() => signReviewLink(ID, EXPIRES, 'short')).toThrow(ReviewLinkError);
    expect(() => verifyReviewLink({}, [], NOW)).toThrow(ReviewLinkError);
    expect(() => verifyReviewLink({}, [SECRET, ''], NOW)).toThrow(/at least 32/);
  });

  it('refuses to sign an unusable review id or expiry', () => {
    expect(() => signReviewLink('short', EXPIRES, SECRET)).toThrow(ReviewLinkError);
    expect(() => signReviewLink(ID, new Date(Number.NaN), SECRET)).toThrow(ReviewLinkError);
  });

  it('makes review ids that are url-safe, at least 128 bits and never repeat', () => {
    const ids = Array.from({ length: 2000 }, () => newReviewId());
    for (const id of ids.slice(0, 50)) {
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(id, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      expect(encodeURIComponent(id)).toBe(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const query = signReviewLink(ids[0] ?? '', EXPIRES, SECRET);
    expect(verifyReviewLink(params(query), SECRET, NOW)).toMatchObject({ ok: true, reviewId: ids[0] });
  });

  it('lets a link outlive the due date by the grace period plus one day', () => {
    const due = new Date('2025-07-14T16:59:59Z');
    expect(reviewLinkExpiry(due, { graceDays: 2 }).toISOString()).toBe('2025-07-17T16:59:59.000Z');
    expect(reviewLinkExpiry(due, { graceDays: 0 }).toISOString()).toBe('2025-07-15T16:59:59.000Z');
  });

  it('keeps a link working through the longest extension ops may grant', () => {
    const due = new Date('2025-07-14T16:59:59Z');
    // KIPP: 2 grace days, at most 60 days of extension.
    expect(reviewLinkExpiry(due, { graceDays: 2, maxExtensionDays: 60 }).toISOString()).toBe(
      '2025-09-15T16:59:59.000Z',
    );
  });
});
