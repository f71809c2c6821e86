/** Retention runs this often unless told otherwise: deleting old rows is never urgent. */
const RETENTION_EVERY_MS = 6 * 3_600_000;

/**
 * Runs `prune` every `everyMs`, and once within a minute of start (a process seldom lives six
 * hours in a rolling deployment, and its first run should not wait for the interval). The timers
 * never hold the process open; the returned function stops them.
 */
export function scheduleRetention(prune: () => void, everyMs = RETENTION_EVERY_MS): () => void {
  const timers = [setInterval(prune, everyMs), setTimeout(prune, Math.min(everyMs, 60_000))];
  for (const timer of timers) timer.unref();
  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}
