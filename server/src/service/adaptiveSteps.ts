/**
 * Bulk work cut into steps of about `targetMs`, the size of each step following what the last one
 * took per item. A fixed count did not bound a step: the first papers of a load run before V8 has
 * optimised the code (32 papers' keys, titles and authors took 20–50 ms where later ones take 1–2),
 * and what an item costs differs by catalog and machine. Requests wait for the step they come behind.
 */
import { realClock } from './clock';

export interface AdaptiveStepOptions {
  targetMs?: number;
  /** Items in the first step: few, since the code is cold then. */
  first?: number;
  max?: number;
  now?: () => number;
}

const DEFAULT_TARGET_MS = 2;
/** A bound whatever the last step said: the next papers can cost far more than the last (an abstract the worker did not count). */
const MAX_STEP = 64;

/** Runs `run` over `items` a step at a time, yielding after each step; a step at most doubles the last. */
export function* adaptiveSteps<T>(items: readonly T[], run: (step: readonly T[]) => void, options: AdaptiveStepOptions = {}): Generator<void, void, void> {
  const targetMs = options.targetMs ?? DEFAULT_TARGET_MS;
  const max = options.max ?? MAX_STEP;
  const now = options.now ?? realClock.now;
  let size = options.first ?? 4;
  for (let from = 0; from < items.length; ) {
    const started = now();
    run(items.slice(from, from + size));
    from += size;
    const perItem = (now() - started) / size;
    const fits = perItem > 0 ? Math.floor(targetMs / perItem) : max;
    size = Math.max(1, Math.min(max, 2 * size, fits));
    yield;
  }
}
