/**
 * A full garbage collection between phases, so one phase's garbage is not collected (and timed)
 * in the next. `--expose-gc` cannot be passed through `npm run bench`, so the flag is set at run time.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
  gc();
}
