import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { s3 } from './lib/adapters/aws/s3';
import { claimQuota, claimTitle } from './lib/adapters/eligibility-claims';
import { ProposalStore } from './lib/adapters/proposals';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import { normalizeName } from './lib/model';
import { activeProfile } from './lib/profile-config';
import { eligibilityIssues, reportSummary, validateDocument } from './lib/validation';
import type { ValidationReport } from './lib/validation/types';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);

const inputSchema = z.object({
  proposalId: z.string().min(1),
  bucket: z.string().min(1),
  key: z.string().min(1),
  versionId: z.string().nullish(),
});

export interface ValidateResult {
  valid: boolean;
  group?: string;
  category?: string;
  reason: string;
}

/** Reads at most `limit + 1` bytes of the object (so a file over the limit is known without reading all of it). */
async function readBounded(bucket: string, key: string, versionId: string | undefined, limit: number) {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  const size = head.ContentLength ?? 0;
  // Over the limit: not read at all. Empty: nothing to read (a ranged GET of 0 bytes is a 416 in S3).
  if (size > limit || size === 0) return { size, bytes: new Uint8Array() };
  const out = await s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, Range: `bytes=0-${limit}` }),
  );
  const bytes = await out.Body?.transformToByteArray();
  return { size, bytes: bytes ?? new Uint8Array() };
}

/** Competition-wide rules (duplicate title, institution quota), claimed atomically in the table. */
async function checkEligibility(proposalId: string, report: ValidationReport): Promise<ValidationReport> {
  const profile = activeProfile();
  const title = report.identity.title;
  const institution = report.identity.institution;
  const group = profile.groups.find((g) => g.id === report.group);
  if (!title || !institution || !group) return report;
  let sameTitleCount = 0;
  let institutionGroupCount = 0;
  const titleHeld =
    profile.eligibility.duplicateTitles === 'allow'
      ? { ok: true as const }
      : await claimTitle(dynamo, table, proposalId, title);
  if (!titleHeld.ok) sameTitleCount = 1;
  if (!titleHeld.ok && profile.eligibility.duplicateTitles === 'error') {
    // Rejected for its title: it takes no place in the institution's quota.
    const issues = eligibilityIssues({ sameTitleCount, institutionGroupCount: 0 }, report, profile);
    const all = [...report.issues, ...issues];
    return { ...report, issues: all, valid: !all.some((issue) => issue.severity === 'error') };
  }
  const quota = await claimQuota(dynamo, table, proposalId, institution, group.id, group.quotaPerInstitution);
  if (!quota.ok) {
    institutionGroupCount = quota.used;
    if (titleHeld.ok && profile.eligibility.duplicateTitles !== 'allow') {
      // The proposal will not enter: free its title for a corrected upload.
      await dynamo.send(
        new DeleteCommand({
          TableName: table,
          Key: { PK: `TITLE#${normalizeName(title)}`, SK: 'CLAIM' },
          ConditionExpression: 'proposalId = :me',
          ExpressionAttributeValues: { ':me': proposalId },
        }),
      );
    }
  } else {
    institutionGroupCount = quota.used - 1;
  }
  const issues = eligibilityIssues({ sameTitleCount, institutionGroupCount }, report, profile);
  if (issues.length === 0) return report;
  const all = [...report.issues, ...issues];
  return { ...report, issues: all, valid: !all.some((issue) => issue.severity === 'error') };
}

export const handler = lambda(async (event: unknown): Promise<ValidateResult> => {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`Validate: bad input: ${parsed.error.message}`);
  const { proposalId, bucket, key } = parsed.data;
  const versionId = parsed.data.versionId ?? undefined;
  withProposal(proposalId);
  const profile = activeProfile();
  await store.transition(proposalId, 'VALIDATING', 'Checking the proposal against the competition rules', {
    from: ['RECEIVED', 'VALIDATING'],
  });
  const started = performance.now();
  const file = await readBounded(bucket, key, versionId, profile.files.maxBytes);
  let report = await validateDocument(file.bytes, profile, {
    fileName: key.split('/').pop(),
    declaredSize: file.size,
  });
  if (report.valid) report = await checkEligibility(proposalId, report);
  metrics.addMetric('ValidationDuration', 'Milliseconds', performance.now() - started);

  const identity = report.identity;
  const fields = {
    validation: report,
    title: identity.title,
    institution: identity.institution,
    group: report.group,
    category: report.category,
    contactEmail: identity.email,
  };
  const reason = reportSummary(report, profile.language);
  if (!report.valid) {
    await store.transition(proposalId, 'REJECTED', reason, { from: ['VALIDATING'], fields });
    metrics.addMetric('ProposalsRejected', 'Count', 1);
    logger.info('Proposal rejected', { codes: report.issues.map((issue) => issue.code) });
  } else {
    await store.transition(proposalId, 'VALIDATING', reason, { from: ['VALIDATING'], fields });
  }
  return { valid: report.valid, group: report.group, category: report.category, reason };
});
