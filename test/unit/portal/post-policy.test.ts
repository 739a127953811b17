import { describe, expect, it } from 'vitest';
import {
  FILENAME_VARIABLE,
  policySignature,
  presignPost,
  signingKey,
} from '../../../functions/lib/portal/post-policy';
import { checkForm } from '../../../local/emulators/s3-post-policy';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'secret-key-for-tests' };
const now = new Date('2026-05-01T10:00:00Z');
const fields = () =>
  presignPost({
    bucket: 'proposals',
    keyPrefix: 'incoming/pemkot-depok/u0123456789abcdef0123-',
    minBytes: 1,
    maxBytes: 100,
    successRedirect: 'https://portal.example/portal/receipt?u=1',
    region: 'ap-southeast-3',
    credentials,
    now,
    validSeconds: 900,
  });

function form(values: Record<string, string>, file = new File(['hello'], 'proposal.md')): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(values)) data.set(name, value);
  data.set('file', file, file.name);
  return data;
}
const local = { ...credentials, buckets: ['proposals'], now: () => now };

describe('presigned POST policies', () => {
  it('derives the SigV4 signing key as AWS documents it', () => {
    // AWS's example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20120215, us-east-1, iam.
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('fixes bucket, key prefix, size range, redirect and every field in the signed policy', () => {
    const f = fields();
    expect(f.key).toBe(`incoming/pemkot-depok/u0123456789abcdef0123-${FILENAME_VARIABLE}`);
    const policy = JSON.parse(Buffer.from(f.policy as string, 'base64').toString('utf8'));
    expect(policy.expiration).toBe('2026-05-01T10:15:00.000Z');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'proposals' },
        ['starts-with', '$key', 'incoming/pemkot-depok/u0123456789abcdef0123-'],
        ['content-length-range', 1, 100],
        { success_action_redirect: 'https://portal.example/portal/receipt?u=1' },
        { 'x-amz-credential': 'AKIDLOCAL/20260501/ap-southeast-3/s3/aws4_request' },
      ]),
    );
    expect(f['x-amz-signature']).toBe(
      policySignature(f.policy as string, credentials.secretAccessKey, '20260501', 'ap-southeast-3'),
    );
  });

  describe('the local S3 checks a form as S3 does', () => {
    it('accepts the form as signed, putting the file name in the key', () => {
      const out = checkForm(form(fields()), 'proposals', local);
      expect(out.get('key')).toBe('incoming/pemkot-depok/u0123456789abcdef0123-proposal.md');
      expect(out.get('policy')).toBeNull();
    });

    it.each([
      ['a key outside the prefix', { key: 'incoming/other-agency/x.md' }, /Policy Condition failed/],
      ['another redirect', { success_action_redirect: 'https://evil.example/' }, /Policy Condition failed/],
      ['an extra field', { 'Content-Type': 'text/html' }, /Extra input fields: content-type/],
      ['a forged signature', { 'x-amz-signature': '0'.repeat(64) }, /signature/],
      ['no policy', { policy: '' }, /Access Denied/],
    ])('refuses %s', (_, change, message) => {
      expect(() => checkForm(form({ ...fields(), ...change }), 'proposals', local)).toThrow(message);
    });

    it('refuses a file over the size range and an expired form', () => {
      expect(() =>
        checkForm(form(fields(), new File(['x'.repeat(101)], 'big.md')), 'proposals', local),
      ).toThrow(/exceeds the maximum/);
      const later = { ...local, now: () => new Date('2026-05-01T10:15:01Z') };
      expect(() => checkForm(form(fields()), 'proposals', later)).toThrow(/Policy expired/);
    });
  });
});
