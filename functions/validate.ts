import { getAgency, registryInUse } from './lib/adapters/agencies';
import { dynamo } from './lib/adapters/aws/dynamodb';
import { eligibilityClaims } from './lib/adapters/eligibility-claims';
import { ProposalStore } from './lib/adapters/proposals';
import { readBounded } from './lib/adapters/storage';
import { registeredIdentity } from './lib/agencies/proposal';
import { requireEnv } from './lib/config';
import { BadInputError } from './lib/errors';
import { lambda, logger, metrics, withProposal } from './lib/lambda';
import type { Proposal } from './lib/model';
import { activeProfile } from './lib/profile-config';
import { validateBounded } from './lib/sandbox/validation';
import { together } from './lib/together';
import { reportSummary } from './lib/validation';
import { checkEligibility, type Submitter } from './lib/validation/claims';
import * as z from './lib/zod';

const table = requireEnv('TABLE_NAME');
const store = new ProposalStore(dynamo, table);
const claims = eligibilityClaims(dynamo, table);

const inputSchema = z.object({
  proposalId: z.string().check(z.minLength(1)),
  bucket: z.string().check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  versionId: z.nullish(z.string()),
  /** The execution's ARN (`$$.Execution.Id`), kept on the proposal with its move to VALIDATING. */
  executionArn: z.optional(z.string().check(z.minLength(1))),
});

/**
 * The uploading agency (the `<agency>` of incoming/<agency>/<file>) as the agency registry knew it when the file
 * arrived: Intake recorded it on the proposal. Only a proposal registered before its agency's name was recorded
 * reads the registry again.
 */
async function submitterOf(proposal: Proposal): Promise<Submitter> {
  const { agency } = proposal;
  const registered =
    registeredIdentity(proposal) ??
    (proposal.agencyKind ? await getAgency(dynamo, table, agency) : undefined);
  return {
    agency,
    registered,
    registryInUse: registered !== undefined || (await registryInUse(dynamo, table)),
  };
}

export interface ValidateResult {
  valid: boolean;
  group?: string;
  category?: string;
  reason: string;
}

export const handler = lambda(async (event: unknown): Promise<ValidateResult> => {
  const parsed = inputSchema.safeParse(event);
  if (!parsed.success) throw new BadInputError(`Validate: bad input: ${parsed.error.message}`);
  const { proposalId, bucket, key, executionArn } = parsed.data;
  const versionId = parsed.data.versionId ?? undefined;
  withProposal(proposalId);
  const profile = activeProfile();
  const started = performance.now();
  // The move to VALIDATING and the file, at once (independent waits). Who uploaded it is read only for a file
  // that passes: the deadline-day burst is bound by CPU, not by this function's latency.
  const [validating, file] = await together(
    store.transition(proposalId, 'VALIDATING', 'Checking the proposal against the competition rules', {
      from: ['RECEIVED', 'VALIDATING'],
      ...(executionArn ? { fields: { executionArn } } : {}),
    }),
    readBounded(bucket, key, versionId, profile.files.maxBytes),
  );
  // Within 5 s and 512 MB whatever the file holds: past either bound it is REJECTED as too complex to check.
  let report = await validateBounded(file.bytes, profile, {
    fileName: key.split('/').pop(),
    declaredSize: file.size,
  });
  if (report.valid)
    report = await checkEligibility(proposalId, report, profile, claims, await submitterOf(validating));
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
    await store.transition(proposalId, 'REJECTED', reason, {
      from: ['VALIDATING'],
      fields,
      current: validating,
    });
    metrics.addMetric('ProposalsRejected', 'Count', 1);
    logger.info('Proposal rejected', { codes: report.issues.map((issue) => issue.code) });
  } else {
    await store.transition(proposalId, 'VALIDATING', reason, {
      from: ['VALIDATING'],
      fields,
      current: validating,
    });
  }
  return { valid: report.valid, group: report.group, category: report.category, reason };
});
