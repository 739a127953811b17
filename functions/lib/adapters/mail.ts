import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { optionalEnv, requireEnv } from '../config';
import { ses } from './aws/ses';
import type { ProposalStore } from './proposals';

export interface Email {
  /** One address, or several (an agency's registered contacts) on one message. */
  to: string | readonly string[];
  subject: string;
  html: string;
  text: string;
}

/**
 * Sends an email about a proposal at most once per `key`, even when the Lambda is retried after a later step
 * failed: the send is claimed on the proposal first and the claim released if SES refuses.
 */
export async function sendOnce(
  store: Pick<ProposalStore, 'claimNotification' | 'releaseNotification'>,
  proposalId: string,
  key: string,
  email: Email,
): Promise<boolean> {
  if (!(await store.claimNotification(proposalId, key))) return false;
  try {
    await sendEmail(email);
    return true;
  } catch (error) {
    await store.releaseNotification(proposalId, key);
    throw error;
  }
}

/** The SES v2 request of one email from `from` (UTF-8 subject, HTML and text parts). */
export function sendEmailCommand(email: Email, from: string, replyTo?: string): SendEmailCommand {
  return new SendEmailCommand({
    FromEmailAddress: from,
    Destination: { ToAddresses: typeof email.to === 'string' ? [email.to] : [...email.to] },
    ReplyToAddresses: replyTo ? [replyTo] : undefined,
    Content: {
      Simple: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: {
          Html: { Data: email.html, Charset: 'UTF-8' },
          Text: { Data: email.text, Charset: 'UTF-8' },
        },
      },
    },
  });
}

/** Sends one email through SES v2 from the configured sender (throttling is retried: see lambda.ts). */
export async function sendEmail(email: Email): Promise<string | undefined> {
  const out = await ses.send(
    sendEmailCommand(email, requireEnv('SENDER_EMAIL'), optionalEnv('REPLY_TO_EMAIL')),
  );
  return out.MessageId;
}
