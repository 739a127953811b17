import { z } from 'zod';

/**
 * Deployment settings, read from cdk context (`-c key=value` or cdk.json "context"), validated.
 * Everything has a safe default so that `cdk synth` works offline for a newcomer.
 */
export const stageConfigSchema = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,20}$/, 'stage: lowercase letters, digits and dashes, 2-21 characters'),
  senderEmail: z.email({ message: 'senderEmail: a verified SES identity, e.g. kipp@example.go.id' }),
  replyToEmail: z.email().optional(),
  opsEmail: z.email({ message: 'opsEmail: where ops and alarm emails go' }),
  profile: z.string().min(1),
  reviewBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  logRetentionDays: z.number().int().positive(),
  retainData: z.boolean(),
});
export type StageConfig = z.infer<typeof stageConfigSchema>;

type ContextReader = (key: string) => unknown;

function asBoolean(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

function asNumber(value: unknown): unknown {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}

export function readStageConfig(context: ContextReader): StageConfig {
  const stage = (context('stage') as string | undefined) ?? 'dev';
  const production = stage === 'prod';
  const raw = {
    stage,
    senderEmail: context('senderEmail') ?? 'kipp-noreply@example.go.id',
    replyToEmail: context('replyToEmail'),
    opsEmail: context('opsEmail') ?? 'kipp-ops@example.go.id',
    profile: context('profile') ?? 'kipp',
    reviewBaseUrl: context('reviewBaseUrl'),
    logRetentionDays: asNumber(context('logRetentionDays') ?? (production ? 365 : 30)),
    retainData: asBoolean(context('retainData') ?? production),
  };
  const parsed = stageConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`Invalid deployment settings (cdk context):\n${problems.join('\n')}`);
  }
  return parsed.data;
}
