/**
 * Browser-based uploads (POST Object) on the local S3 as AWS checks them.
 *
 * s3rver stores any multipart POST to a bucket: it ignores the policy, the signature, the conditions and the
 * size range, and does not replace `${filename}` in the key. The portal's security rests on exactly those
 * checks (a form can write only under its server-built prefix, only a file within the size range, only until
 * it expires), so this middleware, first in s3rver's Koa chain, does what S3 does before s3rver stores anything:
 * - a POST without a policy is refused (the bucket is private: AWS answers AccessDenied to anonymous writes);
 * - the SigV4 signature of the policy must match the runtime's credentials, the policy must not be expired;
 * - every condition must hold (exact match, `starts-with`, `content-length-range`), and every form field but the
 *   file, the policy and the signature must be named by a condition (AWS: "Extra input fields");
 * - `${filename}` in the key becomes the name the browser sent.
 * Then the form goes on to s3rver, rebuilt with the fields S3 would store.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
import { Readable } from 'node:stream';
import { FILENAME_VARIABLE, policySignature } from '../../functions/lib/portal/post-policy';

/** The minimal Koa context this middleware uses. */
interface PostContext {
  method: string;
  path: string;
  req: NodeJS.ReadableStream & { headers: Record<string, string | string[] | undefined> };
  request: { req: unknown };
  status: number;
  body: unknown;
  type: string;
  get(field: string): string;
}

/** Refused before anything is stored: S3's error code, status and message. */
class PolicyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A larger body is refused before it is parsed (well above any form the portal signs). */
const MAX_POST_BYTES = 64 * 1024 * 1024;
/** Fields AWS never requires a condition for. */
const UNCONDITIONED = new Set(['policy', 'x-amz-signature', 'file']);

type Condition = Record<string, unknown> | unknown[];

export interface PostPolicyOptions {
  accessKeyId: string;
  secretAccessKey: string;
  /** Buckets the runtime serves (a POST to another path is left to s3rver). */
  buckets: readonly string[];
  now?: () => Date;
}

export function postPolicyMiddleware(options: PostPolicyOptions) {
  const buckets = new Set(options.buckets);
  return async (ctx: PostContext, next: () => Promise<void>): Promise<void> => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    if (
      ctx.method !== 'POST' ||
      !bucket ||
      !buckets.has(bucket) ||
      !ctx.get('content-type').startsWith('multipart/form-data')
    ) {
      await next();
      return;
    }
    try {
      const form = await readForm(ctx);
      const rebuilt = checkForm(form, bucket, options);
      const body = new Response(rebuilt);
      const bytes = Buffer.from(await body.arrayBuffer());
      // The request s3rver reads: the same message (url, method, socket), with the rebuilt body and its headers.
      const original = ctx.req as unknown as Record<string, unknown>;
      const stream = Object.assign(Readable.from([bytes]), {
        url: original.url,
        method: original.method,
        httpVersion: original.httpVersion,
        socket: original.socket,
        headers: {
          ...ctx.req.headers,
          'content-type': body.headers.get('content-type') ?? '',
          'content-length': String(bytes.length),
        },
      }) as unknown as PostContext['req'];
      ctx.req = stream;
      ctx.request.req = stream;
    } catch (error) {
      if (!(error instanceof PolicyRefusal)) throw error;
      ctx.status = error.status;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error>`;
      return;
    }
    await next();
  };
}

async function readForm(ctx: PostContext): Promise<FormData> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_POST_BYTES)
      throw new PolicyRefusal(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    chunks.push(chunk as Buffer);
  }
  try {
    return await new Request('http://127.0.0.1/', {
      method: 'POST',
      headers: { 'content-type': ctx.get('content-type') },
      body: Buffer.concat(chunks),
    }).formData();
  } catch {
    throw new PolicyRefusal(
      400,
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.',
    );
  }
}

/** Checks the form as S3 does; returns the form s3rver should store (key substituted, auth fields dropped). */
export function checkForm(form: FormData, bucket: string, options: PostPolicyOptions): FormData {
  // S3 ignores every field after the file.
  const fields = new Map<string, string>();
  let file: File | undefined;
  for (const [name, value] of form.entries()) {
    if (name === 'file') {
      if (typeof value === 'string')
        throw new PolicyRefusal(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
      file = value;
      break;
    }
    fields.set(name.toLowerCase(), String(value));
  }
  if (!file)
    throw new PolicyRefusal(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
  const policy = fields.get('policy');
  if (!policy) throw new PolicyRefusal(403, 'AccessDenied', 'Access Denied');

  const credential = (fields.get('x-amz-credential') ?? '').split('/');
  const [accessKeyId, day = '', region = '', service, terminator] = credential;
  if (
    fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256' ||
    credential.length !== 5 ||
    service !== 's3' ||
    terminator !== 'aws4_request'
  )
    throw new PolicyRefusal(400, 'InvalidArgument', 'The authorization fields of the form are malformed.');
  if (accessKeyId !== options.accessKeyId)
    throw new PolicyRefusal(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  if (fields.get('x-amz-signature') !== policySignature(policy, options.secretAccessKey, day, region))
    throw new PolicyRefusal(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );

  let document: { expiration?: string; conditions?: Condition[] };
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw new PolicyRefusal(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  const now = options.now?.() ?? new Date();
  const expiration = Date.parse(document.expiration ?? '');
  if (Number.isNaN(expiration) || expiration <= now.getTime())
    throw new PolicyRefusal(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');

  const key = (fields.get('key') ?? '').replaceAll(FILENAME_VARIABLE, file.name);
  const values = new Map(fields);
  values.set('key', key);
  values.set('bucket', bucket);
  const named = new Set<string>();
  for (const condition of document.conditions ?? []) {
    checkCondition(condition, values, file.size, named);
  }
  for (const name of fields.keys()) {
    if (!UNCONDITIONED.has(name) && !name.startsWith('x-ignore-') && !named.has(name))
      throw new PolicyRefusal(
        403,
        'AccessDenied',
        `Invalid according to Policy: Extra input fields: ${name}`,
      );
  }

  const rebuilt = new FormData();
  rebuilt.set('key', key);
  for (const [name, value] of fields) {
    if (name === 'key' || name === 'policy' || name.startsWith('x-amz-') || name.startsWith('x-ignore-'))
      continue;
    rebuilt.set(name, value);
  }
  rebuilt.set('file', file, file.name);
  return rebuilt;
}

function checkCondition(
  condition: Condition,
  values: Map<string, string>,
  size: number,
  named: Set<string>,
): void {
  const failed = (what: string) =>
    new PolicyRefusal(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${what}`);
  if (Array.isArray(condition)) {
    const [op, field, expected] = condition;
    if (op === 'content-length-range') {
      const [min, max] = [Number(field), Number(expected)];
      if (size > max)
        throw new PolicyRefusal(
          400,
          'EntityTooLarge',
          'Your proposed upload exceeds the maximum allowed size',
        );
      if (size < min)
        throw new PolicyRefusal(
          400,
          'EntityTooSmall',
          'Your proposed upload is smaller than the minimum allowed size',
        );
      return;
    }
    const name = String(field).replace(/^\$/, '').toLowerCase();
    named.add(name);
    const value = values.get(name) ?? '';
    if (op === 'eq' && value === String(expected)) return;
    if (op === 'starts-with' && value.startsWith(String(expected))) return;
    throw failed(JSON.stringify(condition));
  }
  for (const [field, expected] of Object.entries(condition)) {
    const name = field.toLowerCase();
    named.add(name);
    if ((values.get(name) ?? '') !== String(expected))
      throw failed(JSON.stringify(['eq', `$${field}`, expected]));
  }
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
  );
}
