/**
 * Drives the local runtime the way people would: imports the roster, uploads proposals to S3, reads the mail
 * the system sent, and answers review tasks through the review HTTP API from the links in those emails.
 * Shared by `npm run demo`, the end-to-end tests and the benchmarks.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { importAgencies } from '../functions/lib/adapters/agencies';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { ProposalStore } from '../functions/lib/adapters/proposals';
import { importRoster } from '../functions/lib/adapters/roster';
import { parseAgencies } from '../functions/lib/agencies/parse';
import type { Profile } from '../functions/lib/profile';
import { parseRoster } from '../functions/lib/roster';
import { proposalIdFor } from '../functions/lib/uploads';
import type { SentEmail } from './emulators/ses';
import { LOCAL_CREDENTIALS, type LocalRuntime } from './runtime';

export const EXAMPLES_DIR = new URL('../examples/', import.meta.url).pathname;

export interface ExpectedExample {
  file: string;
  agency: string;
  expect: string;
  why: string;
}

export function exampleSet(): ExpectedExample[] {
  return JSON.parse(
    readFileSync(join(EXAMPLES_DIR, 'proposals', 'expected.json'), 'utf8'),
  ) as ExpectedExample[];
}

export class Driver {
  readonly doc: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly store: ProposalStore;
  readonly profile: Profile;

  constructor(readonly runtime: LocalRuntime) {
    const region = runtime.env.AWS_REGION;
    this.doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: runtime.endpoints.dynamodb, region, credentials: LOCAL_CREDENTIALS }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    this.s3 = new S3Client({
      endpoint: runtime.endpoints.s3,
      region,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    this.store = new ProposalStore(this.doc, runtime.names.table);
    // The profile the runtime's functions run with (its env names it for the CLI too).
    this.profile = loadProfile(runtime.env.PROPOSALS_PROFILE ?? 'kipp');
  }

  async importRoster(file = join(EXAMPLES_DIR, 'reviewers.csv')) {
    const parsed = parseRoster(readFileSync(file, 'utf8'), file, this.profile);
    if (parsed.errors.length) throw new Error(`Roster ${file}: ${JSON.stringify(parsed.errors)}`);
    return importRoster(this.doc, this.runtime.names.table, parsed.reviewers);
  }

  /** Imports the agency registry (the example registry covers the agencies of examples/proposals/). */
  async importAgencies(file = join(EXAMPLES_DIR, 'agencies.csv')) {
    const parsed = parseAgencies(readFileSync(file, 'utf8'), file);
    if (parsed.errors.length) throw new Error(`Agencies ${file}: ${JSON.stringify(parsed.errors)}`);
    return importAgencies(this.doc, this.runtime.names.table, parsed.agencies);
  }

  /** Uploads bytes under incoming/<agency>/<name>; returns the proposal id the pipeline will use. */
  async upload(
    agency: string,
    name: string,
    body: Uint8Array | string,
  ): Promise<{ id: string; key: string }> {
    const key = `incoming/${agency}/${name}`;
    const out = await this.s3.send(
      new PutObjectCommand({ Bucket: this.runtime.names.bucket, Key: key, Body: body }),
    );
    return {
      id: proposalIdFor(this.runtime.names.bucket, key, out.VersionId ?? out.ETag?.replace(/"/g, '')),
      key,
    };
  }

  async uploadExample(example: ExpectedExample) {
    return this.upload(
      example.agency,
      example.file,
      readFileSync(join(EXAMPLES_DIR, 'proposals', example.file)),
    );
  }

  async emails(): Promise<SentEmail[]> {
    return this.runtime.ses.emails();
  }

  /** Review links sent to each reviewer address, newest last. */
  async reviewLinks(): Promise<Array<{ to: string; link: string; subject: string; messageId: string }>> {
    const links: Array<{ to: string; link: string; subject: string; messageId: string }> = [];
    for (const email of await this.emails()) {
      const match = /(https?:\/\/[^\s"'<>]+\/review\?r=[^\s"'<>]+)/.exec(email.body.text ?? '');
      if (!match?.[1]) continue;
      links.push({
        to: email.destination.to[0] ?? '',
        link: match[1].replace(/&amp;/g, '&'),
        subject: email.subject,
        messageId: email.messageId,
      });
    }
    return links;
  }

  /** Deterministic scores per reviewer and proposal, within the profile's scale. */
  scoresFor(seed: string): Record<string, number> {
    const { scaleMin, scaleMax, criteria } = this.profile.scoring;
    const digest = createHash('sha256').update(seed).digest();
    return Object.fromEntries(
      criteria.map((c, i) => [
        c.id,
        scaleMin +
          Math.round(((digest[i] ?? 0) / 255) * (scaleMax - scaleMin) * 0.6 + (scaleMax - scaleMin) * 0.35),
      ]),
    );
  }

  async get(link: string): Promise<Response> {
    return fetch(link, { redirect: 'manual' });
  }

  async post(link: string, form: Record<string, string>): Promise<Response> {
    return fetch(link, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Accepts and submits a review from its link; returns the HTTP statuses seen. */
  async completeReview(link: string, seed: string): Promise<number[]> {
    const statuses = [(await this.get(link)).status];
    statuses.push((await this.post(link, { action: 'accept' })).status);
    const scores = this.scoresFor(seed);
    const form: Record<string, string> = {
      action: 'submit',
      comment: 'Inovasi jelas manfaatnya; data dampak perlu diperkuat.',
    };
    for (const [id, value] of Object.entries(scores)) form[`scores.${id}`] = String(value);
    statuses.push((await this.post(link, form)).status);
    return statuses;
  }

  async decline(
    link: string,
    reason = 'Saya sedang bertugas di luar negeri sampai akhir bulan.',
  ): Promise<number> {
    return (await this.post(link, { action: 'decline', reason })).status;
  }

  /** Completes every review link not handled yet; `choose` may decline some. Returns how many were handled. */
  async answerOpenReviews(
    handled: Set<string>,
    choose: (link: { to: string; link: string; subject: string }) => 'submit' | 'decline' | 'skip' = () =>
      'submit',
  ): Promise<number> {
    let count = 0;
    for (const entry of await this.reviewLinks()) {
      if (handled.has(entry.messageId)) continue;
      const decision = choose(entry);
      if (decision === 'skip') continue;
      handled.add(entry.messageId);
      if (decision === 'decline') await this.decline(entry.link);
      else await this.completeReview(entry.link, `${entry.to}|${entry.link}`);
      count += 1;
    }
    return count;
  }
}
