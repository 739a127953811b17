import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendEmail, sendOnce } from '../../../functions/lib/adapters/mail';

const ses = mockClient(SESv2Client);
const email = {
  to: 'budi.santoso@example.go.id',
  subject: 'Hasil penilaian',
  html: '<p>78,5</p>',
  text: '78,5',
};

beforeAll(() => {
  vi.stubEnv('SENDER_EMAIL', 'noreply@kipp.example.go.id');
  vi.stubEnv('REPLY_TO_EMAIL', 'sekretariat@kipp.example.go.id');
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'message-1' });
});

/** A store whose notification claims are kept in a set. */
function claims() {
  const sent = new Set<string>();
  return {
    sent,
    claimNotification: async (_id: string, key: string) => !sent.has(key) && !!sent.add(key),
    releaseNotification: async (_id: string, key: string) => void sent.delete(key),
  };
}

describe('sending an email through SES', () => {
  it('sends from the configured sender to the addressee, UTF-8 text and HTML, with the reply-to address', async () => {
    expect(await sendEmail(email)).toBe('message-1');

    const [input] = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(input).toMatchObject({
      FromEmailAddress: 'noreply@kipp.example.go.id',
      Destination: { ToAddresses: ['budi.santoso@example.go.id'] },
      ReplyToAddresses: ['sekretariat@kipp.example.go.id'],
      Content: {
        Simple: {
          Subject: { Data: 'Hasil penilaian', Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>78,5</p>', Charset: 'UTF-8' }, Text: { Data: '78,5', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it("sends one message to every address given (an agency's registered contacts)", async () => {
    await sendEmail({ ...email, to: ['inovasi@surabaya.example.go.id', 'ortala@surabaya.example.go.id'] });

    const [input] = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(input?.Destination).toEqual({
      ToAddresses: ['inovasi@surabaya.example.go.id', 'ortala@surabaya.example.go.id'],
    });
  });

  it('sends a keyed email once, and again only after SES refused it', async () => {
    const store = claims();
    ses.on(SendEmailCommand).rejectsOnce(new Error('Throttling')).resolves({ MessageId: 'message-2' });

    await expect(sendOnce(store, 'p-1', 'result:submitter', email)).rejects.toThrow('Throttling');
    expect(store.sent.has('result:submitter')).toBe(false);
    expect(await sendOnce(store, 'p-1', 'result:submitter', email)).toBe(true);
    expect(await sendOnce(store, 'p-1', 'result:submitter', email)).toBe(false);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
  });
});
