/**
 * HiGHS (the linear and integer program solver) for the CLI's plans and finalists. The package loads its
 * WebAssembly next to its own script; the CLI build bundles that script elsewhere, so the file is located in the
 * installed package instead.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import loadHighs from 'highs';

export interface Solution {
  status: string;
  values: Record<string, number>;
}

let solver: Promise<(lp: string) => Solution> | undefined;

/** A solver for models in CPLEX LP format (loaded once): its status and every column's value by name. */
export function highsSolver(): Promise<(lp: string) => Solution> {
  solver ??= (async () => {
    const packageDir = dirname(createRequire(import.meta.url).resolve('highs'));
    const highs = await loadHighs({ locateFile: (file: string) => join(packageDir, file) });
    return (lp: string) => {
      const solution = highs.solve(lp, { output_flag: false });
      const values: Record<string, number> = {};
      for (const [name, column] of Object.entries(solution.Columns)) {
        values[name] = (column as { Primal: number }).Primal;
      }
      return { status: solution.Status, values };
    };
  })();
  return solver;
}
