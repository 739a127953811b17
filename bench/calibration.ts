/**
 * Calibrated scores on simulated rounds where the truth is known (functions/lib/review/calibration.ts).
 *
 * Each round: 600 proposals of true quality ~ N(60, 12); 120 reviewers of leniency (bias) ~ N(0, 8) points;
 * three reviews per proposal drawn from reviewers with seats left (capacity 15); each review = quality + bias
 * + noise ~ N(0, 6), clamped to 0..100. Measured over 20 seeded rounds (mean): Spearman rank correlation of
 * the raw mean and of the calibrated score with the true quality, how many of the true top 99 each puts in
 * its top 99, how many proposals calibration moves in or out of the top 99, and how often the 95 % interval
 * holds the true score (true quality + the round's mean bias, which no model can see).
 *
 * Finalists: on one such round, with attributes drawn as a KIPP season might have them (categories skewed as
 * in bench/assignment.ts, groups Umum 70 % / Replikasi 20 % / Khusus 10 %, kinds of agency, 8 % from a 3T
 * regency), the top 99 by calibrated score under the KIPP quotas, and what each quota costs in score.
 *
 * Run alone: `npx tsx bench/calibration.ts`.
 */
import { pathToFileURL } from 'node:url';
import loadHighs from 'highs';
import { loadProfile } from '../functions/lib/adapters/profile-file';
import { calibrate, type ScoredReview, spearman, topChanges } from '../functions/lib/review/calibration';
import { type FinalistCandidate, selectFinalists } from '../functions/lib/review/finalists';
import { seededRandom } from './random';

export interface Measurement {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export interface SimulatedRound {
  reviews: ScoredReview[];
  quality: Map<string, number>;
  bias: Map<string, number>;
}

/** One simulated round (see the header). */
export function simulateRound(
  seed: number,
  proposals = 600,
  reviewers = 120,
  perProposal = 3,
  sd = { quality: 12, bias: 8, noise: 6 },
): SimulatedRound {
  const random = seededRandom(seed);
  const capacity = Math.ceil((proposals * perProposal) / reviewers) + 1;
  const bias = new Map(
    Array.from({ length: reviewers }, (_, i) => [`r${i}`, sd.bias * normal(random)] as const),
  );
  const load = new Map([...bias.keys()].map((id) => [id, 0]));
  const quality = new Map<string, number>();
  const reviews: ScoredReview[] = [];
  for (let p = 0; p < proposals; p++) {
    const id = `p${p}`;
    quality.set(id, 60 + sd.quality * normal(random));
    const chosen = new Set<string>();
    while (chosen.size < perProposal) {
      const free = [...load].filter(([r, l]) => l < capacity && !chosen.has(r));
      if (free.length === 0) break;
      const [r] = free[Math.floor(random() * free.length)]!;
      chosen.add(r);
      load.set(r, load.get(r)! + 1);
      const score = quality.get(id)! + bias.get(r)! + sd.noise * normal(random);
      reviews.push({ proposalId: id, reviewerId: r, score: Math.min(100, Math.max(0, score)) });
    }
  }
  return { reviews, quality, bias };
}

export function benchCalibration(rounds = 20, top = 99): Measurement[] {
  const acc = { rhoMean: 0, rhoCal: 0, hitMean: 0, hitCal: 0, moved: 0, cover: 0, biasRho: 0, seconds: 0 };
  for (let seed = 1; seed <= rounds; seed++) {
    const round = simulateRound(seed);
    const started = performance.now();
    const cal = calibrate(round.reviews);
    acc.seconds += (performance.now() - started) / 1000;
    const ids = cal.proposals.map((p) => p.proposalId);
    const truth = ids.map((id) => round.quality.get(id)!);
    acc.rhoMean += spearman(
      truth,
      cal.proposals.map((p) => p.mean),
    );
    acc.rhoCal += spearman(
      truth,
      cal.proposals.map((p) => p.calibrated),
    );
    const trueTop = new Set(
      [...round.quality]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([id]) => id),
    );
    acc.hitMean += cal.proposals.filter((p) => p.rankMean <= top && trueTop.has(p.proposalId)).length;
    acc.hitCal += cal.proposals.filter((p) => p.rankCalibrated <= top && trueTop.has(p.proposalId)).length;
    const changes = topChanges(cal, top);
    acc.moved += changes.entering.length + changes.leaving.length;
    const meanBias = [...round.bias.values()].reduce((s, b) => s + b, 0) / round.bias.size;
    acc.cover +=
      cal.proposals.filter((p) => {
        const t = round.quality.get(p.proposalId)! + meanBias;
        return p.low <= t && t <= p.high;
      }).length / cal.proposals.length;
    acc.biasRho += spearman(
      cal.reviewers.map((r) => round.bias.get(r.reviewerId)!),
      cal.reviewers.map((r) => r.bias),
    );
  }
  const avg = (x: number, digits = 3) => Number((x / rounds).toFixed(digits));
  const note = `mean of ${rounds} rounds: 600 proposals, 120 reviewers, 3 reviews each; sd quality 12, bias 8, noise 6`;
  return [
    { name: 'calibration: Spearman with true quality, raw mean', value: avg(acc.rhoMean), unit: 'rho', note },
    { name: 'calibration: Spearman with true quality, calibrated', value: avg(acc.rhoCal), unit: 'rho' },
    {
      name: `calibration: true top ${top} found, raw mean / calibrated`,
      value: avg(acc.hitCal, 1),
      unit: 'proposals',
      note: `raw mean ${avg(acc.hitMean, 1)}; calibration moves ${avg(acc.moved, 1)} proposals in or out of the top ${top}`,
    },
    {
      name: 'calibration: 95 % interval holds the true score',
      value: Number(((100 * acc.cover) / rounds).toFixed(1)),
      unit: '%',
    },
    { name: 'calibration: Spearman of fitted with true reviewer bias', value: avg(acc.biasRho), unit: 'rho' },
    {
      name: 'calibration: fit time, one round',
      value: Number(((1000 * acc.seconds) / rounds).toFixed(1)),
      unit: 'ms',
    },
  ];
}

/** The top 99 of a simulated round under the KIPP quotas (see the header), and the cost of each quota. */
export async function benchFinalists(seed = 1, top = 99): Promise<Measurement[]> {
  const profile = loadProfile('kipp');
  const rules = profile.finalists;
  if (!rules) throw new Error('The KIPP profile has no finalists quotas');
  const random = seededRandom(seed * 7919);
  const round = simulateRound(seed);
  const cal = calibrate(round.reviews);
  const categories = profile.categories.map((c) => c.id);
  const weights = [9, 12, 16, 5, 10, 12, 4, 7, 22, 3];
  const pick = <T>(items: readonly T[], w: readonly number[]) => {
    let x = random() * w.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) {
      x -= w[i]!;
      if (x < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  };
  const kinds = ['regency', 'city', 'province', 'ministry', 'institution'];
  const candidates: FinalistCandidate[] = cal.proposals.map((p) => {
    const kind = pick(kinds, [45, 25, 15, 10, 5]);
    const in3T = kind === 'regency' && random() < 0.18;
    return {
      id: p.proposalId,
      score: p.calibrated,
      category: pick(categories, weights),
      group: pick(['Umum', 'Replikasi', 'Khusus'], [70, 20, 10]),
      agencyKind: kind,
      ...(kind === 'regency' || kind === 'city'
        ? {
            regency: in3T
              ? rules.regions3T[Math.floor(random() * rules.regions3T.length)]!
              : `Kota ${p.proposalId}`,
          }
        : {}),
    };
  });
  const highs = await loadHighs();
  const started = performance.now();
  const selection = await selectFinalists(
    candidates,
    { top, quotas: rules.quotas, regions3T: rules.regions3T },
    (lp) => {
      const solution = highs.solve(lp, { output_flag: false });
      const values: Record<string, number> = {};
      for (const [name, column] of Object.entries(solution.Columns))
        values[name] = (column as { Primal: number }).Primal;
      return { status: solution.Status, values };
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const byQuota = selection.finalists.filter((f) => !f.inTopByScore).length;
  return [
    {
      name: `finalists: top ${top} under the KIPP quotas, score`,
      value: selection.total,
      unit: 'points',
      note: `plain top ${top} ${selection.unconstrained}; ${byQuota} finalists brought in by quotas; ${candidates.length} candidates; ${1 + selection.costs.length} integer programs in ${seconds.toFixed(1)} s`,
    },
    ...selection.costs.map((c) => ({
      name: `finalists: cost of quota ${c.quota}`,
      value: c.cost,
      unit: 'points',
      note: c.brings.length
        ? `brings in ${c.brings.length}, keeps out ${c.keepsOut.length}`
        : 'does not bind',
    })),
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of [...benchCalibration(), ...(await benchFinalists())]) {
    console.log(
      `${r.name.padEnd(60)} ${String(r.value).padStart(8)} ${r.unit}${r.note ? `  (${r.note})` : ''}`,
    );
  }
}
