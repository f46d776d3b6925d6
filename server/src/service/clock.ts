/**
 * The clock the service's schedulers run on (diagnostics, notices): the real one in the server,
 * a hand-driven one in tests, so what waits how long is tested without sleeping.
 */
export interface Clock {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
  /** Resolves on a later turn of the event loop: requests waiting are answered meanwhile. */
  yieldToEventLoop(): Promise<void>;
}

export const realClock: Clock = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
  yieldToEventLoop: () => new Promise((resolve) => setTimeout(resolve, 0)),
};
