/** aws-ses-v2-local on 127.0.0.1: SES v2 SendEmail, with a mail viewer at its root and the sent mail at /store. */
import type { Server } from 'node:http';
import sesModule from 'aws-ses-v2-local';
import { freePort } from './ports';

export interface SentEmail {
  messageId: string;
  from: string;
  replyTo?: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export interface RunningSes {
  endpoint: string;
  /** Every email sent so far (oldest first). */
  emails(): Promise<SentEmail[]>;
  stop(): Promise<void>;
}

// The package is CommonJS with an `exports.default`; under Node's ESM loader that lands on `.default`.
const sesServer = ((sesModule as unknown as { default?: typeof sesModule }).default ??
  sesModule) as typeof sesModule;

export async function startSes(): Promise<RunningSes> {
  // The emulator answers GetAccount from this variable: a local account with production access (no sandbox).
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'TRANSACTIONAL',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'Local runtime of the proposal review pipeline',
      WebsiteURL: 'http://127.0.0.1',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  });
  const port = await freePort();
  const server: Server = await sesServer({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      const store = (await response.json()) as { emails: SentEmail[] };
      return store.emails;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
