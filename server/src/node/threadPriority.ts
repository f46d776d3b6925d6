/**
 * Background threads (the catalog and topic workers) yield the cores to the thread that answers
 * the user. On two cores a cold start runs the main thread, the parse, the skim and the editor at
 * once: a request that came in waited for a core, not for work (a 3 ms indexing slice took 30 ms).
 * Linux keeps a nice value per thread, set through the thread's id; elsewhere nothing changes.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** How much nicer the workers are than the server (nice values go from -20 to 19, the lowest priority). */
export const BACKGROUND_NICE = 10;

let inBackground = false;

/** Lowers the calling worker thread's priority, once; the main thread (the in-process fallback) keeps its own. */
export function runInBackground(): void {
  if (isMainThread || inBackground) return;
  inBackground = true;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (threadId > 0) setPriority(threadId, Math.min(19, getPriority(threadId) + BACKGROUND_NICE));
  } catch {
    // Not Linux, or not allowed: the thread shares the cores as before.
  }
}
