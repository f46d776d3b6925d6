/**
 * A check that work grows linearly with its input, for the reliability suites: time for 4n over
 * time for n stays far below 16 (quadratic). Generous (10) because a GC pause can land in either
 * run; a ratio above it is measured again at twice and four times the size before failing.
 */
import assert from 'node:assert/strict';

function bestTime(run: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export function assertLinear(name: string, make: (n: number) => string, run: (text: string) => unknown, n: number): void {
  let ratios = '';
  for (const size of [n, 2 * n, 4 * n]) {
    const small = make(size);
    const large = make(4 * size);
    run(small); // warm up
    const a = Math.max(bestTime(() => run(small)), 0.5);
    const b = bestTime(() => run(large));
    ratios += ` n=${size}: ${a.toFixed(1)} ms, 4n: ${b.toFixed(1)} ms;`;
    if (b / a < 10) return;
  }
  assert.fail(`${name} is not linear:${ratios}`);
}
