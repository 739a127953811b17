/**
 * What an SES refusal means for the pipeline. A passing fault (throttling, a service error) is worth another try
 * soon and is re-thrown, so the state machine retries it; a refusal that no quick retry cures (the sandbox's
 * AccessDenied, MessageRejected, a spent daily quota, sending paused) is recorded on the proposal and reported to
 * ops (the `EmailsUndelivered` metric, whose alarm emails ops through SNS, not SES), never turned into a failed
 * proposal.
 */
import type { Email } from './mail';
import { sendOnce } from './mail';
import type { ProposalStore } from './proposals';

export type MailFailureKind = 'transient' | 'quota' | 'refused';

export interface MailFailure {
  kind: MailFailureKind;
  /** The SES error name, e.g. MessageRejected. */
  code: string;
  /** One line for the history and the logs: the error name and SES's message, without the recipient's mail. */
  reason: string;
}

/** Errors SES (v2 and v1 names) answers for a cause that passes within seconds or minutes. */
const TRANSIENT = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'TransientError',
]);

/** SES's words for the account's 24-hour sending quota (v2 answers LimitExceededException, v1 Throttling). */
const DAILY_QUOTA = /daily message quota|24[- ]hour send|sending quota/i;

export function classifyMailFailure(error: unknown): MailFailure {
  const err = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } };
  const code = typeof err?.name === 'string' && err.name ? err.name : 'Error';
  const message = typeof err?.message === 'string' ? err.message : String(error);
  const reason = `${code}: ${message.replace(/\s+/g, ' ').slice(0, 300)}`;
  if (DAILY_QUOTA.test(message) || code === 'LimitExceededException') return { kind: 'quota', code, reason };
  const status = err?.$metadata?.httpStatusCode ?? 0;
  if (TRANSIENT.has(code) || status >= 500 || status === 429) return { kind: 'transient', code, reason };
  return { kind: 'refused', code, reason };
}

export type DeliveryOutcome =
  | { outcome: 'sent' }
  | { outcome: 'already-sent' }
  | { outcome: 'undelivered'; failure: MailFailure };

/**
 * Sends an email about a proposal once per `key` (see `sendOnce`). A transient failure is re-thrown (the state
 * machine retries it); any other refusal is returned as `undelivered` for the caller to record and report: the
 * claim is released, so a later step that sends the same email tries again.
 */
export async function deliverOnce(
  store: Pick<ProposalStore, 'claimNotification' | 'releaseNotification'>,
  proposalId: string,
  key: string,
  email: Email,
): Promise<DeliveryOutcome> {
  try {
    return (await sendOnce(store, proposalId, key, email))
      ? { outcome: 'sent' }
      : { outcome: 'already-sent' };
  } catch (error) {
    const failure = classifyMailFailure(error);
    if (failure.kind === 'transient') throw error;
    return { outcome: 'undelivered', failure };
  }
}

/** The history line of an email that could not be sent: who it was for (by role), why, and that ops know. */
export function undeliveredNote(what: string, failure: MailFailure): string {
  const why =
    failure.kind === 'quota'
      ? 'the SES daily sending quota is spent'
      : failure.kind === 'transient'
        ? 'SES kept failing through every retry'
        : failure.code === 'MessageRejected'
          ? 'SES rejected the message'
          : /AccessDenied/.test(failure.code)
            ? 'SES refused the sender or recipient (sandbox or identity not verified)'
            : 'SES refused it';
  return `${what} could not be sent: ${why} (${failure.reason}); ops alerted`;
}
