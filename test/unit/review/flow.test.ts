import { describe, expect, it } from 'vitest';
import {
  handleReviewRequest,
  type RecordedDecision,
  type ReviewPorts,
  type ReviewRequest,
  type ReviewTaskView,
} from '../../../functions/lib/review/flow';
import { signReviewLink } from '../../../functions/lib/review/signing';
import { hostile, kipp, OLD_SECRET, SECRET } from './fixtures';

const NOW = new Date('2025-07-10T02:30:00Z');
const REVIEW_ID = 'AbCdEfGhIjKlMnOpQrStUvWx';
const query = Object.fromEntries(
  new URLSearchParams(signReviewLink(REVIEW_ID, new Date('2025-07-17T17:00:00Z'), SECRET)),
);
const FORM = 'application/x-www-form-urlencoded';
const SCORES =
  'scores.kebaruan=8&scores.efektivitas=6&scores.kemanfaatan=9&scores.adaptabilitas=5&scores.keberlanjutan=7';

/** An in-memory task store standing in for the table and the state machine. */
function fakePorts(
  task: Partial<ReviewTaskView['task']> = {},
  proposalStatus: ReviewTaskView['proposal']['status'] = 'IN_REVIEW',
) {
  const view: ReviewTaskView = {
    task: { reviewId: REVIEW_ID, status: 'PENDING', dueAt: '2025-07-14T16:59:00Z', ...task },
    proposal: {
      title: hostile.title,
      institution: 'Dinas Kesehatan',
      category: 'kesehatan',
      group: 'umum',
      status: proposalStatus,
    },
  };
  const recorded: RecordedDecision[] = [];
  let raced = false;
  const ports: ReviewPorts = {
    async find(id) {
      return id === REVIEW_ID ? view : undefined;
    },
    async downloadUrl() {
      return 'https://bucket.example/p.pdf?X-Amz-Signature=1';
    },
    async record(_v, decision) {
      if (raced) return 'conflict';
      recorded.push(decision);
      return 'recorded';
    },
  };
  return { ports, recorded, view, loseRace: () => (raced = true) };
}

const run = (req: Partial<ReviewRequest>, ports: ReviewPorts, secrets: string | string[] = SECRET) =>
  handleReviewRequest({ method: 'GET', query, ...req }, { profile: kipp, secrets, now: NOW, ports });

describe('the review endpoint', () => {
  it('shows a pending task as the invitation, with forms posting back to the same signed link', async () => {
    const { ports } = fakePorts();
    const page = await run({}, ports);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Terima dan mulai menilai');
    expect(page.body).toContain(`action="?r=${REVIEW_ID}&amp;e=${query.e}&amp;s=${query.s}"`);
    expect(page.body).toContain('href="https://bucket.example/p.pdf?X-Amz-Signature=1"');
    expect(page.body).not.toContain('<script>');
  });

  it('records an acceptance and then shows the score form on the same link', async () => {
    const { ports, recorded, view } = fakePorts();
    const page = await run({ method: 'POST', body: 'action=accept', contentType: FORM }, ports);
    expect(recorded).toEqual([{ action: 'accept', at: NOW }]);
    // Post/Redirect/Get to the very link that was opened.
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`?r=${REVIEW_ID}&e=${query.e}&s=${query.s}`);
    view.task.status = 'ACCEPTED';
    const form = await run({}, ports);
    expect(form.body).toContain('name="scores.kebaruan"');
  });

  it('records submitted scores with their weighted score and then shows the receipt', async () => {
    const { ports, recorded, view } = fakePorts({ status: 'ACCEPTED' });
    const page = await run(
      { method: 'POST', body: `action=submit&${SCORES}&comment=Bagus`, contentType: FORM },
      ports,
    );
    expect(recorded).toEqual([
      {
        action: 'submit',
        at: NOW,
        scores: { kebaruan: 8, efektivitas: 6, kemanfaatan: 9, adaptabilitas: 5, keberlanjutan: 7 },
        comment: 'Bagus',
        score: 69.44,
      },
    ]);
    expect(page.statusCode).toBe(303);
    const scores = { kebaruan: 8, efektivitas: 6, kemanfaatan: 9, adaptabilitas: 5, keberlanjutan: 7 };
    Object.assign(view.task, { status: 'SUBMITTED', score: 69.44, scores });
    const receipt = await run({}, ports);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.body).toContain('<strong>69,44</strong> / 100');
  });

  it('records a decline with its reason', async () => {
    const { ports, recorded } = fakePorts();
    await run(
      { method: 'POST', body: 'action=decline&reason=Saya+pembina+instansi+ini', contentType: FORM },
      ports,
    );
    expect(recorded).toEqual([{ action: 'decline', at: NOW, reason: 'Saya pembina instansi ini' }]);
  });

  it('shows the form again with the errors and records nothing when scores are invalid', async () => {
    const { ports, recorded } = fakePorts({ status: 'ACCEPTED' });
    const body = `action=submit&${SCORES.replace('kebaruan=8', 'kebaruan=12')}&comment=${encodeURIComponent(hostile.comment)}`;
    const page = await run({ method: 'POST', body, contentType: FORM }, ports);
    expect(recorded).toEqual([]);
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('Nilai untuk kriteria Kebaruan harus bilangan bulat dari 1 sampai 10.');
    expect(page.body).toContain('value="6" required checked');
    expect(page.body).not.toContain('<script>');
  });

  it('shows the invitation again when a decline has no reason', async () => {
    const { ports, recorded } = fakePorts();
    const page = await run({ method: 'POST', body: 'action=decline&reason=no', contentType: FORM }, ports);
    expect(recorded).toEqual([]);
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('minimal 10 karakter');
    expect(page.body).toContain('>no</textarea>');
  });

  it('refuses an unreadable request without recording anything', async () => {
    const { ports, recorded } = fakePorts();
    const page = await run({ method: 'POST', body: 'action=accept', contentType: 'text/plain' }, ports);
    expect(page.statusCode).toBe(400);
    expect(recorded).toEqual([]);
  });

  it.each([
    ['forged', { ...query, s: (query.s?.startsWith('A') ? 'B' : 'A') + (query.s ?? '').slice(1) }, 403],
    [
      'expired',
      Object.fromEntries(
        new URLSearchParams(signReviewLink(REVIEW_ID, new Date('2025-07-01T00:00:00Z'), SECRET)),
      ),
      410,
    ],
    ['malformed', { r: REVIEW_ID }, 400],
  ])('answers a %s link with an error page and never reads the task', async (_label, q, status) => {
    let reads = 0;
    const { ports } = fakePorts();
    const counting: ReviewPorts = {
      ...ports,
      find: async (id) => {
        reads++;
        return ports.find(id);
      },
    };
    const page = await run({ query: q }, counting);
    expect(page.statusCode).toBe(status);
    expect(reads).toBe(0);
  });

  it('accepts links signed with the previous secret during a rotation', async () => {
    const old = Object.fromEntries(
      new URLSearchParams(signReviewLink(REVIEW_ID, new Date('2025-07-17T17:00:00Z'), OLD_SECRET)),
    );
    const { ports } = fakePorts();
    expect((await run({ query: old }, ports, [SECRET, OLD_SECRET])).statusCode).toBe(200);
    expect((await run({ query: old }, ports, [SECRET])).statusCode).toBe(403);
  });

  it('reports an unknown review id as not found', async () => {
    const { ports } = fakePorts();
    const other = Object.fromEntries(
      new URLSearchParams(
        signReviewLink('ZZZZZZZZZZZZZZZZZZZZZZZZ', new Date('2025-07-17T17:00:00Z'), SECRET),
      ),
    );
    expect((await run({ query: other }, ports)).statusCode).toBe(404);
  });

  it('shows the receipt again to a reviewer who already answered, and refuses a second answer', async () => {
    const { ports, recorded } = fakePorts({
      status: 'SUBMITTED',
      decidedAt: '2025-07-09T01:00:00Z',
      scores: { kebaruan: 8, efektivitas: 6, kemanfaatan: 9, adaptabilitas: 5, keberlanjutan: 7 },
      score: 69.44,
    });
    const get = await run({}, ports);
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('Penilaian Anda diterima pada Rabu, 9 Juli 2025 pukul 08.00 WIB');
    const post = await run({ method: 'POST', body: `action=submit&${SCORES}`, contentType: FORM }, ports);
    expect(post.statusCode).toBe(409);
    expect(recorded).toEqual([]);
  });

  it('reports a lost race as already answered', async () => {
    const { ports, loseRace } = fakePorts();
    loseRace();
    expect((await run({ method: 'POST', body: 'action=accept', contentType: FORM }, ports)).statusCode).toBe(
      409,
    );
  });

  it.each([
    ['timed out', { status: 'TIMED_OUT' as const }, 'IN_REVIEW' as const],
    ['reassigned', { status: 'REASSIGNED' as const }, 'IN_REVIEW' as const],
    ['on a proposal already reviewed', { status: 'PENDING' as const }, 'REVIEWED' as const],
  ])('closes a task %s', async (_label, task, proposalStatus) => {
    const { ports, recorded } = fakePorts(task, proposalStatus);
    expect((await run({}, ports)).statusCode).toBe(410);
    expect((await run({ method: 'POST', body: 'action=accept', contentType: FORM }, ports)).statusCode).toBe(
      410,
    );
    expect(recorded).toEqual([]);
  });

  it('speaks the language of the link, else the reviewer preference, else the browser', async () => {
    const { ports, view } = fakePorts();
    expect((await run({ acceptLanguage: 'en-US,en;q=0.9' }, ports)).body).toContain('<html lang="en">');
    view.reviewerLanguage = 'id';
    expect((await run({ acceptLanguage: 'en-US' }, ports)).body).toContain('<html lang="id">');
    const english = await run({ query: { ...query, lang: 'en' } }, ports);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('&amp;lang=en"');
  });

  it('refuses other methods', async () => {
    const { ports } = fakePorts();
    expect((await run({ method: 'DELETE' }, ports)).statusCode).toBe(405);
  });
});
