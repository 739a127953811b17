import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { tracer } from '../tracer';

const client = tracer.captureAWSv3Client(new SecretsManagerClient({}));
const cache = new Map<string, { value: string; at: number }>();
const TTL_MS = 5 * 60_000;

/** Reads a secret string, cached for five minutes per sandbox (rotation is picked up without a redeploy). */
export async function getSecret(arn: string): Promise<string> {
  const hit = cache.get(arn);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error(`Secret ${arn} has no string value`);
  cache.set(arn, { value: out.SecretString, at: Date.now() });
  return out.SecretString;
}
