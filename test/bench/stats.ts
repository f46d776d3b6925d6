/** Summaries of many timings: percentiles by nearest rank, so p99 of 300 samples is a real sample. */

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Rounds for the report: two decimals under 10, one under 100, none above. */
export function round(ms: number): number {
  if (!Number.isFinite(ms)) return ms;
  const abs = Math.abs(ms);
  const digits = abs < 10 ? 100 : abs < 100 ? 10 : 1;
  return Math.round(ms * digits) / digits;
}

/**
 * Best (smallest) wall time of `runs` calls, with the CPU time of that call: on a shared machine
 * CPU time says what the code costs, wall time what a user waits.
 */
export function bestOf<T>(runs: number, work: () => T): { ms: number; cpuMs: number; result: T } {
  let best = Infinity;
  let bestCpu = Infinity;
  let result!: T;
  for (let i = 0; i < runs; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    result = work();
    const ms = performance.now() - started;
    if (ms < best) {
      best = ms;
      const used = process.cpuUsage(cpu);
      bestCpu = (used.user + used.system) / 1000;
    }
  }
  return { ms: best, cpuMs: bestCpu, result };
}
