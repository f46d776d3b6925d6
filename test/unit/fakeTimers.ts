/** A clock driven by the test (service/clock.ts): `advance(ms)` runs what falls due, in order. */
import type { Clock } from '../../server/src/service/clock';

export class FakeTimers implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly due = new Map<number, { at: number; run: () => void }>();

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.due.set(id, { at: this.time + ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }

  now(): number {
    return this.time;
  }

  yieldToEventLoop(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Moves the clock `ms` forward, running each timer at its time (timers set meanwhile included). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.due) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.due.delete(next[0]);
      this.time = next[1].at;
      next[1].run();
      // Let promise chains started by the timer (sliced work) go on before the next one.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    this.time = end;
  }

  get pending(): number {
    return this.due.size;
  }
}
