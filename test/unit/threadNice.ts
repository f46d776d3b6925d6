/** The nice values of this process's threads (Linux; undefined elsewhere): the main thread's and the others'. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export function threadNiceValues(): { main: number; others: number[] } | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  const niceOf = (thread: string) => {
    try {
      const stat = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); // field 19 of proc(5)
    } catch {
      return NaN; // a thread that ended meanwhile
    }
  };
  const others = readdirSync('/proc/self/task').filter((thread) => thread !== String(process.pid));
  return { main: niceOf(String(process.pid)), others: others.map(niceOf) };
}

/** How many threads of this process run in the background: 10 nicer than the main thread (19 at most). */
export function backgroundThreads(): number | undefined {
  const nice = threadNiceValues();
  return nice?.others.filter((n) => n === Math.min(19, nice.main + 10)).length;
}
