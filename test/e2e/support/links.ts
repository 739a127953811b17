/**
 * Review links as a reviewer (or an attacker) would hold them: signed with the runtime's own secret,
 * tampered with, or expired.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { buildReviewUrl } from '../../../functions/lib/review';
import type { LocalRuntime } from '../../../local/runtime';

/** The same link with one character of its signature changed (still well-formed, so it reads as forged). */
export function tamperSignature(link: string): string {
  const url = new URL(link);
  const signature = url.searchParams.get('s') ?? '';
  // Change a middle character: the last one carries spare bits and could make the link malformed instead.
  const i = Math.floor(signature.length / 2);
  const swapped = signature[i] === 'A' ? 'B' : 'A';
  url.searchParams.set('s', `${signature.slice(0, i)}${swapped}${signature.slice(i + 1)}`);
  return url.toString();
}

export function reviewIdOf(link: string): string {
  const id = new URL(link).searchParams.get('r');
  if (!id) throw new Error(`No review id in ${link}`);
  return id;
}

/** The signing secret the review API verifies with, read from the runtime's Secrets Manager. */
export async function signingSecret(runtime: LocalRuntime): Promise<string> {
  const fn = runtime.lambdas.functions().find((f) => f.environment.SIGNING_SECRET_ARN);
  if (!fn) throw new Error('No function of the templates has SIGNING_SECRET_ARN');
  const client = new SecretsManagerClient({
    region: runtime.env.AWS_REGION,
    endpoint: runtime.env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    credentials: {
      accessKeyId: runtime.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: runtime.env.AWS_SECRET_ACCESS_KEY ?? '',
    },
  });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: fn.environment.SIGNING_SECRET_ARN }));
    if (!out.SecretString) throw new Error('The signing secret is empty');
    return out.SecretString;
  } finally {
    client.destroy();
  }
}

/** A correctly signed link for the same review that stopped working `agoMs` ago. */
export async function expiredLink(runtime: LocalRuntime, link: string, agoMs = 60_000): Promise<string> {
  return buildReviewUrl(
    runtime.names.reviewBaseUrl,
    reviewIdOf(link),
    new Date(Date.now() - agoMs),
    await signingSecret(runtime),
  );
}
