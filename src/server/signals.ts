/** Two SIGINTs closer than this are one Ctrl-C delivered twice: by the terminal and by `npm`. */
const SAME_KEYPRESS_MS = 300;

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface SignalDecision {
  /** 'drain': begin the one graceful stop; 'exit': leave at once; 'ignore': a drain is under way. */
  action: 'drain' | 'exit' | 'ignore';
}

/**
 * What a stop signal means, given those before it. The first SIGTERM or SIGINT drains, once.
 * A supervisor may repeat SIGTERM (to the process and to its group, or every few seconds): those
 * never abort the drain, which has its own deadline. Only a second Ctrl-C, a person's decision,
 * exits at once; the same keypress forwarded twice is not a second one.
 */
export function signalPolicy(now: () => number = Date.now): (signal: StopSignal) => SignalDecision {
  let draining = false;
  let lastInterrupt = Number.NEGATIVE_INFINITY;
  return (signal) => {
    if (!draining) {
      draining = true;
      if (signal === 'SIGINT') lastInterrupt = now();
      return { action: 'drain' };
    }
    if (signal === 'SIGTERM') return { action: 'ignore' };
    const at = now();
    const repeated = at - lastInterrupt < SAME_KEYPRESS_MS;
    if (!Number.isFinite(lastInterrupt) || repeated) {
      if (!repeated) lastInterrupt = at;
      return { action: 'ignore' };
    }
    return { action: 'exit' };
  };
}
