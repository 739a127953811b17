import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../../../cli/commands/plan';

const examples = new URL('../../../examples/', import.meta.url).pathname;

async function run(opts: Parameters<typeof planCommand>[0]) {
  let out = '';
  let err = '';
  const code = await planCommand(opts, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

describe('proposals plan', () => {
  it('plans the example round online and in batch, in the JSON shape of the issue, without conflicts', async () => {
    for (const mode of ['online', 'batch']) {
      const { code, out } = await run({
        roster: join(examples, 'reviewers.csv'),
        proposals: join(examples, 'proposals.jsonl'),
        mode,
        json: true,
      });
      expect(code).toBe(0);
      const plan = JSON.parse(out);
      expect(Object.keys(plan)).toEqual(['assignments', 'short', 'metrics']);
      expect(Object.keys(plan.metrics)).toEqual([
        'coverage',
        'expertShare',
        'spread',
        'worstOff',
        'meanMatch',
        'conflicts',
      ]);
      expect(plan.assignments).toHaveLength(7);
      expect(plan.short).toEqual([]);
      expect(plan.metrics.conflicts).toBe(0);
      expect(plan.metrics.worstOff).toBeGreaterThan(0);
      for (const a of plan.assignments) expect(new Set(a.reviewers).size).toBe(3);
    }
  });

  it('plans nothing and lists the problems of a hostile proposals file, line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      '{"id":"a","institution":"X","agency":"x","category":"Nope"}\n{"__proto__":{"x":1}}\n',
    );
    const { code, out } = await run({
      roster: join(examples, 'reviewers.csv'),
      proposals: file,
      json: true,
    });
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.planned).toBe(false);
    expect(report.problems.some((p: string) => p.includes('line 1, category: unknown category "Nope"'))).toBe(
      true,
    );
    expect(report.problems.some((p: string) => p.includes('line 2'))).toBe(true);
  });

  it('says what is missing: a file, a mode, the inputs', async () => {
    expect((await run({ roster: join(examples, 'reviewers.csv') })).code).toBe(2);
    expect(
      (await run({ roster: join(examples, 'reviewers.csv'), proposals: '/nonexistent/p.jsonl' })).err,
    ).toMatch(/cannot be read \(ENOENT\)/);
    expect(
      (
        await run({
          roster: join(examples, 'reviewers.csv'),
          proposals: join(examples, 'proposals.jsonl'),
          mode: 'greedy',
        })
      ).err,
    ).toMatch(/--mode must be online or batch/);
  });
});
