/** What `agencies invite` needs of the deployment: the portal's URL, the signing secret, SES and the profile. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { sendEmailCommand } from '../functions/lib/adapters/mail';
import { submissionsClose } from '../functions/lib/profile';
import type { InvitationDeps } from './commands/invitations';
import { awsClients, CliError, deployment } from './context';
import { deployedProfile } from './profile';

export async function portalDeps(): Promise<InvitationDeps> {
  const [dep, profile] = await Promise.all([deployment(), deployedProfile()]);
  const { portalUrl, signingSecretArn, senderEmail } = dep;
  if (!portalUrl || !signingSecretArn || !senderEmail) {
    throw new CliError(
      'The deployment does not name the portal, its signing secret or the sender (outputs PortalUrl, LinkSigningSecretArn, SenderEmail): redeploy both stacks, or for the local runtime `source .local/runtime.env`.',
    );
  }
  const ses = new SESv2Client({});
  return {
    doc: awsClients().doc,
    table: dep.table,
    portalUrl,
    profile,
    closesAt: submissionsClose(profile, process.env.SUBMISSIONS_CLOSE_AT),
    async secret() {
      const out = await new SecretsManagerClient({}).send(
        new GetSecretValueCommand({ SecretId: signingSecretArn }),
      );
      if (!out.SecretString) throw new CliError(`The signing secret ${signingSecretArn} has no value`);
      return out.SecretString;
    },
    async send(email) {
      await ses.send(sendEmailCommand(email, senderEmail));
    },
  };
}
