import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signReviewLink } from '../../../functions/lib/review';
import { mem } from './memory';
import {
  BUCKET,
  lambdaContext,
  PROPOSAL_ID,
  proposal,
  readFixture,
  restoreHandlerEnv,
  reviewer,
  reviewIdFor,
  SIGNING_SECRET,
  stubHandlerEnv,
  task,
} from './support';

vi.mock('../../../functions/lib/adapters/aws/dynamodb', () => import('./memory').then((m) => m.dynamoClient));
vi.mock('../../../functions/lib/adapters/aws/secrets', () => import('./memory').then((m) => m.secrets));
vi.mock('../../../functions/lib/adapters/proposals', () => import('./memory').then((m) => m.proposals));
vi.mock('../../../functions/lib/adapters/review-tasks', () => import('./memory').then((m) => m.reviewTasks));
vi.mock('../../../functions/lib/adapters/roster', () => import('./memory').then((m) => m.roster));
vi.mock('../../../functions/lib/adapters/storage', () => import('./memory').then((m) => m.storage));
vi.mock('../../../functions/lib/adapters/executions', () => import('./memory').then((m) => m.executions));

let handler: typeof import('../../../functions/review-api').handler;

beforeAll(async () => {
  stubHandlerEnv();
  ({ handler } = await import('../../../functions/review-api'));
});
afterAll(restoreHandlerEnv);

const REVIEWER = 'r-health-free';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAf0pqkXs-review-task-token';
const HOUR = 3_600_000;
const hostile = JSON.parse(readFixture('test/fixtures/review/hostile.json').toString('utf8')) as {
  title: string;
};

beforeEach(() => {
  mem.reset();
  mem.seedProposal(proposal());
  mem.seedReviewer(reviewer(REVIEWER), reviewer('r-health-busy'));
  mem.seedTask(task(REVIEWER, { token: TOKEN, dueAt: new Date(Date.now() + 10 * 24 * HOUR).toISOString() }));
});

/** The query string of a link as the email carries it. */
function link(
  reviewerId = REVIEWER,
  expiresAt = new Date(Date.now() + 24 * HOUR),
  secret = SIGNING_SECRET,
): string {
  return signReviewLink(reviewIdFor(reviewerId), expiresAt, secret);
}

function request(
  method: 'GET' | 'POST' | 'PUT',
  query: string,
  body?: string,
  contentType = 'application/x-www-form-urlencoded',
): APIGatewayProxyEventV2 {
  const params = Object.fromEntries(new URLSearchParams(query));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/review',
    rawQueryString: query,
    headers: {
      host: 'review.kipp.example.go.id',
      ...(body !== undefined ? { 'content-type': contentType } : {}),
    },
    queryStringParameters: query ? params : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'review.kipp.example.go.id',
      domainPrefix: 'review',
      http: {
        method,
        path: '/review',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
      },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jul/2025:00:00:00 +0000',
      timeEpoch: 1_751_328_000_000,
    },
    body,
    isBase64Encoded: false,
  };
}

const call = async (event: APIGatewayProxyEventV2) =>
  (await handler(event, lambdaContext('review-api'))) as APIGatewayProxyStructuredResultV2;

const SCORES = { kebaruan: 8, efektivitas: 7, kemanfaatan: 9, adaptabilitas: 6, keberlanjutan: 7 };
const submitBody = (
  scores: Record<string, number | string> = SCORES,
  comment = 'Inovasi yang matang dan terukur.',
) =>
  new URLSearchParams({
    action: 'submit',
    ...Object.fromEntries(Object.entries(scores).map(([k, v]) => [`scores.${k}`, String(v)])),
    comment,
  }).toString();

/** Everything a request could change: the tasks, the seats, the history and what the execution heard. */
const state = () => ({
  tasks: mem.tasksOf(PROPOSAL_ID),
  loads: [...mem.reviewers.values()].map((r) => r.load),
  history: mem.history(PROPOSAL_ID),
  answers: [...mem.answers],
});
let before: ReturnType<typeof state>;
beforeEach(() => {
  before = state();
});
/** Nothing changed since the test's set-up. */
const untouched = () => expect(state()).toEqual(before);

describe('links that cannot be trusted', () => {
  it.each([
    [
      'forged (signed with another secret)',
      () => link(REVIEWER, new Date(Date.now() + HOUR), 'an-attackers-secret-of-32-characters-at-least'),
      403,
    ],
    [
      'altered (review id swapped)',
      () => link().replace(reviewIdFor(REVIEWER), reviewIdFor('r-health-busy')),
      403,
    ],
    ['expired', () => link(REVIEWER, new Date(Date.now() - HOUR)), 410],
    ['malformed (no signature)', () => link().replace(/&s=[^&]+/, ''), 400],
    ['empty', () => '', 400],
  ])('answers a %s link with an error page and touches nothing', async (_, query, status) => {
    for (const method of ['GET', 'POST'] as const) {
      const response = await call(request(method, query(), method === 'POST' ? submitBody() : undefined));

      expect(response.statusCode).toBe(status);
      expect(response.headers?.['content-type']).toMatch(/text\/html/);
      expect(response.body).toContain('<html lang="id">');
    }
    untouched();
  });

  it('answers a valid signature for a task that does not exist with 404', async () => {
    const response = await call(request('GET', link('r-gov-free')));

    expect(response.statusCode).toBe(404);
    untouched();
  });

  it('refuses other methods with 405', async () => {
    const response = await call(request('PUT', link(), 'action=accept'));

    expect(response.statusCode).toBe(405);
    untouched();
  });
});

describe('opening the review page', () => {
  it('shows a pending task as an invitation with a 15-minute download link of the file version', async () => {
    const response = await call(request('GET', link()));

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Si-Sehat: Antrean Puskesmas Daring');
    expect(response.body).toContain('name="action" value="accept"');
    expect(response.body).toContain('name="action" value="decline"');
    const download = response.body?.match(/href="(https:[^"]+)"[^>]*download/)?.[1]?.replace(/&amp;/g, '&');
    expect(download).toBeDefined();
    const url = new URL(download ?? '');
    expect(url.hostname.startsWith(BUCKET) || url.pathname.startsWith(`/${BUCKET}/`)).toBe(true);
    expect(decodeURIComponent(url.pathname)).toContain('incoming/pemkot-surabaya/01-dinkes-surabaya-umum.md');
    expect(url.searchParams.get('versionId')).toBe('v-1');
    expect(url.searchParams.get('expiresIn')).toBe('900');
    expect(response.body).not.toContain(TOKEN);
    untouched();
  });

  it('serves the download as the detected format, as an attachment named by the system, never as HTML', async () => {
    // Uploaded as page.html; validation detected Markdown.
    mem.seedProposal(
      proposal({
        key: 'incoming/pemkot-surabaya/page.html',
        validation: { valid: true, format: 'markdown', sections: [] },
      }),
    );
    const response = await call(request('GET', link()));

    const download = response.body?.match(/href="(https:[^"]+)"[^>]*download/)?.[1]?.replace(/&amp;/g, '&');
    const url = new URL(download ?? '');
    expect(url.searchParams.get('response-content-type')).toBe('text/plain; charset=utf-8');
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="${PROPOSAL_ID}.md"; filename*=UTF-8''${PROPOSAL_ID}.md`,
    );
  });

  it('shows an accepted task as the score form', async () => {
    mem.seedTask(task(REVIEWER, { status: 'ACCEPTED', token: TOKEN }));
    const response = await call(request('GET', link()));

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('name="scores.kebaruan"');
  });

  it('shows a timed-out task as closed (410)', async () => {
    mem.seedTask(task(REVIEWER, { status: 'TIMED_OUT' }));
    const response = await call(request('GET', link()));

    expect(response.statusCode).toBe(410);
  });

  it('speaks English to a reviewer whose language is English', async () => {
    mem.seedTask(task('r-health-busy', { token: TOKEN }));
    const response = await call(request('GET', link('r-health-busy')));

    expect(response.body).toContain('<html lang="en">');
    expect(response.body).toContain('Request to review a proposal');
  });

  it('escapes HTML in the proposal title', async () => {
    mem.seedProposal(proposal({ title: hostile.title }));
    const response = await call(request('GET', link()));

    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain("<script>alert('judul')</script>");
    expect(response.body).toContain('&lt;script&gt;');
  });
});

describe('answering the task', () => {
  it('accepts a pending task and redirects to the page (303)', async () => {
    const query = link();
    const response = await call(request('POST', query, 'action=accept'));

    expect(response.statusCode).toBe(303);
    expect(response.headers?.location).toBe(`?${query}`);
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.status).toBe('ACCEPTED');
    expect(mem.history(PROPOSAL_ID).at(-1)?.note).toBe(`${REVIEWER} accepted the review task`);
    expect(mem.answers).toEqual([]);
  });

  it('declines by recording the decline and freeing the seat in one transaction, then failing the task with ReviewDeclined', async () => {
    const reason = 'Saya pernah menjadi konsultan dinas ini (konflik kepentingan).';
    const response = await call(
      request('POST', link(), new URLSearchParams({ action: 'decline', reason }).toString()),
    );

    expect(response.statusCode).toBe(303);
    expect(mem.task(PROPOSAL_ID, REVIEWER)).toMatchObject({ status: 'DECLINED', declineReason: reason });
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.token).toBeUndefined();
    expect(mem.reviewer(REVIEWER)?.load).toBe(1);
    expect(mem.history(PROPOSAL_ID).at(-1)?.note).toBe(`${REVIEWER} declined the review task`);
    expect(mem.answers).toEqual([{ token: TOKEN, error: 'ReviewDeclined', cause: reason }]);
  });

  it('keeps a decline Step Functions could not hear of and delivers it at the next visit', async () => {
    mem.answerFaults.push('unreachable');
    const reason = 'Sedang cuti panjang.';
    const response = await call(
      request('POST', link(), new URLSearchParams({ action: 'decline', reason }).toString()),
    );

    expect(response.statusCode).toBe(303);
    expect(mem.task(PROPOSAL_ID, REVIEWER)).toMatchObject({ status: 'DECLINED', token: TOKEN });
    expect(mem.answers).toEqual([]);
    const again = await call(request('GET', link()));

    expect(again.statusCode).toBe(200);
    expect(mem.answers).toEqual([{ token: TOKEN, error: 'ReviewDeclined', cause: reason }]);
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.token).toBeUndefined();
  });

  it('submits the scores of an open task, then answers the execution with the weighted score', async () => {
    mem.seedTask(task(REVIEWER, { status: 'ACCEPTED', token: TOKEN }));
    const response = await call(request('POST', link(), submitBody()));

    expect(response.statusCode).toBe(303);
    // KIPP weights 25/20/25/15/15 on a 1-10 scale.
    const expected = Math.round(((25 * 7 + 20 * 6 + 25 * 8 + 15 * 5 + 15 * 6) / 9 / 100) * 100 * 100) / 100;
    expect(expected).toBe(73.33);
    expect(mem.task(PROPOSAL_ID, REVIEWER)).toMatchObject({
      status: 'SUBMITTED',
      scores: SCORES,
      score: 73.33,
      comment: 'Inovasi yang matang dan terukur.',
    });
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.token).toBeUndefined();
    expect(mem.answers).toEqual([
      { token: TOKEN, output: { reviewerId: REVIEWER, status: 'SUBMITTED', score: 73.33 } },
    ]);
  });

  it('shows the receipt when the link is opened after submitting', async () => {
    const query = link();
    await call(request('POST', query, submitBody()));
    const response = await call(request('GET', query));

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('73,33');
  });

  it.each([
    ['submitting', () => submitBody()],
    ['declining', () => 'action=decline&reason=Tidak+sempat+menilai+bulan+ini'],
    ['accepting', () => 'action=accept'],
  ])('answers a reused link when %s again with 409 and no call to the execution', async (_, body) => {
    const query = link();
    await call(request('POST', query, submitBody()));
    const submitted = state();

    const response = await call(request('POST', query, body()));

    expect(response.statusCode).toBe(409);
    expect(state()).toEqual(submitted);
    expect(mem.answers).toHaveLength(1);
  });

  it('answers a double submit racing the first one with 409, and the execution hears one score', async () => {
    const query = link();
    const [first, second] = await Promise.all([
      call(request('POST', query, submitBody())),
      call(request('POST', query, submitBody({ ...SCORES, kebaruan: 1 }))),
    ]);

    expect([first.statusCode, second.statusCode].sort()).toEqual([303, 409]);
    expect(mem.answers).toHaveLength(1);
  });

  it.each([
    ['above the scale', { ...SCORES, kebaruan: 11 }],
    ['below the scale', { ...SCORES, efektivitas: 0 }],
    ['not a whole number', { ...SCORES, kemanfaatan: '7.5' }],
  ])('refuses a score %s with a 422 page that names the criterion, and writes nothing', async (_, scores) => {
    mem.seedTask(task(REVIEWER, { status: 'ACCEPTED', token: TOKEN }));
    const accepted = state();
    const response = await call(request('POST', link(), submitBody(scores)));

    expect(response.statusCode).toBe(422);
    expect(response.body).toMatch(/harus bilangan bulat dari 1 sampai 10/);
    expect(state()).toEqual(accepted);
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.status).toBe('ACCEPTED');
  });

  it('refuses a decline without a reason with a 422 page and keeps the seat', async () => {
    const response = await call(request('POST', link(), 'action=decline&reason=tidak'));

    expect(response.statusCode).toBe(422);
    untouched();
  });

  it('still confirms the answer when the execution no longer waits for the task', async () => {
    mem.answerFaults.push('gone');
    const response = await call(request('POST', link(), submitBody()));

    expect(response.statusCode).toBe(303);
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.status).toBe('SUBMITTED');
  });

  it('accepts a JSON decision as well as a form', async () => {
    const body = JSON.stringify({ action: 'submit', scores: SCORES });
    const response = await call(request('POST', link(), body, 'application/json'));

    expect(response.statusCode).toBe(303);
    expect(mem.task(PROPOSAL_ID, REVIEWER)?.score).toBe(73.33);
  });
});
