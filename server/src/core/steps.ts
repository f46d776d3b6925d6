/**
 * Work written as a generator that yields between bounded steps (so the server can answer requests
 * between them), run here to its end in one go, for callers that need the result now.
 */
export function allSteps<R>(steps: Generator<void, R, void>): R {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
