/**
 * Hostile uploads through the local runtime (the synthesized Validate bundle, its validation worker re-entering
 * the bundle): each file that used to run for minutes, exhaust memory or pass with active content ends REJECTED
 * with a readable reason, none ends FAILED, and a valid proposal uploaded right behind them is validated as usual.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Driver, EXAMPLES_DIR } from '../../local/driver';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { attackFixture } from './support/attack';

let runtime: LocalRuntime;
let driver: Driver;

/** Hostile file and words its rejection reason must hold. */
const HOSTILE: Array<[string, RegExp]> = [
  ['heading-cubic.md', /Judul|tidak diisi|missing/i],
  ['pdf-repeated-operators.pdf', /terlalu rumit|too complex/i],
  ['pdf-huge-stream.pdf', /terlalu rumit|too complex/i],
  ['docx-many-nodes.docx', /terlalu rumit|too complex/i],
  ['pdf-javascript.pdf', /JavaScript/],
  ['docx-external-template.docx', /templat|template/i],
  ['polyglot.html', /HTML/],
  ['proposal.hta', /\.hta/],
];

const uploaded = new Map<string, string>();
let validId = '';

beforeAll(async () => {
  runtime = await startLocalRuntime();
  driver = new Driver(runtime);
  await driver.importRoster();
  for (const [name] of HOSTILE) {
    const { id } = await driver.upload('pemkot-surabaya', name, attackFixture(name));
    uploaded.set(name, id);
  }
  ({ id: validId } = await driver.upload(
    'pemkot-surabaya',
    'sehati.md',
    readFileSync(join(EXAMPLES_DIR, 'proposals/01-dinkes-surabaya-umum.md')),
  ));
  await runtime.settle();
}, 600_000);

afterAll(async () => {
  await runtime?.stop();
});

describe('hostile uploads on the local runtime', () => {
  for (const [name, reason] of HOSTILE) {
    it(`ends ${name} REJECTED with a readable reason`, async () => {
      const view = await driver.store.view(uploaded.get(name) ?? '');
      expect(view?.status).toBe('REJECTED');
      expect(view?.reason).toMatch(reason);
    });
  }

  it('validates the proposal uploaded right behind them', async () => {
    const view = await driver.store.view(validId);
    expect(view?.status).not.toBe('REJECTED');
    expect(view?.status).not.toBe('FAILED');
  });

  it('never let a validation run into the function timeout', () => {
    const validate = [...runtime.lambdas.stats.entries()].filter(([name]) => /validate/i.test(name));
    expect(validate.length).toBeGreaterThan(0);
    for (const [, stats] of validate) {
      expect(stats.timeouts).toBe(0);
      expect(stats.errors).toBe(0);
    }
  });
});
