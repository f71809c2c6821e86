import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection found alive, as
 * `--heap-growing-percent` (README, Performance: memory). V8's own factor moves between 1.1 and 4
 * with its measure of allocation speed; the gateway allocates fast while it decodes provider
 * answers, and with 20,000 details cached its old generation grew to 250–350 MB committed around
 * about 100 MB alive, all of it RSS. With 1.5 the same fill keeps about 170 MB committed, for the
 * same CPU within the noise of the measurement (a fixed 1.2 cost a fifth more CPU).
 *
 * Set at run time by the process's entry (src/main.ts, and the bench's gateway as it starts the
 * same way), so that `npm start` and the image both have it: Node does not take this flag in
 * NODE_OPTIONS. V8 reads it at each full collection. A value given on the command line wins.
 */
export function limitHeapGrowth(): void {
  if (process.execArgv.some((arg) => arg.startsWith(`--${FLAG}`) || arg.startsWith('--heap_growing_percent')))
    return;
  setFlagsFromString(`--${FLAG}=${PERCENT}`);
}

const FLAG = 'heap-growing-percent';
const PERCENT = 50;
