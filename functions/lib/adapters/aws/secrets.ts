import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tracer } from '../../tracer';

const client = tracer.captureAWSv3Client(new SecretsManagerClient({}));
const cache = new Map<string, { value: string | undefined; at: number }>();
const TTL_MS = 5 * 60_000;

async function read(arn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
  const key = `${arn}|${stage}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  let value: string | undefined;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
    value = out.SecretString;
  } catch (error) {
    // A secret that was never rotated has no previous version.
    if (stage === 'AWSCURRENT' || (error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  if (stage === 'AWSCURRENT' && !value) throw new Error(`Secret ${arn} has no string value`);
  cache.set(key, { value, at: Date.now() });
  return value;
}

/** Reads a secret string, cached for five minutes per sandbox (rotation is picked up without a redeploy). */
export async function getSecret(arn: string): Promise<string> {
  return (await read(arn, 'AWSCURRENT')) as string;
}

/**
 * The current secret and, during a rotation, the previous one (current first): links signed just before a
 * rotation keep working until they expire.
 */
export async function getSecretVersions(arn: string): Promise<string[]> {
  const [current, previous] = await Promise.all([read(arn, 'AWSCURRENT'), read(arn, 'AWSPREVIOUS')]);
  return [...new Set([current as string, ...(previous ? [previous] : [])])];
}
