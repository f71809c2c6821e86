import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * `/health` on a port of its own, answered by a worker thread (liveness-worker.mjs), for the
 * orchestrator's liveness probe. On the main port a probe shares the accept queue and the event
 * loop with every GraphQL request: during a burst of a thousand cold searches it waited seconds
 * for its turn, and a probe with a 1 s timeout would restart a busy but healthy instance. The
 * thread instead reports whether the main thread still turns (a heartbeat on shared memory).
 */
export interface LivenessListener {
  /** The port it listens on (the configured one, or the one the system chose for 0). */
  readonly port: number;
  close(): Promise<void>;
}

export interface LivenessSettings {
  host: string;
  port: number;
  /** A main thread silent for longer than this is reported stalled (503). */
  stallMs: number;
  /** How often the main thread beats. */
  beatMs?: number;
  /** The thread failed after it started (its probes then fail, which an orchestrator notices). */
  onError?: (error: Error) => void;
}

export async function startLivenessListener(settings: LivenessSettings): Promise<LivenessListener> {
  const beatMs = settings.beatMs ?? 100;
  const beats = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const counter = new Int32Array(beats);
  const worker = new Worker(new URL('./liveness-worker.mjs', import.meta.url), {
    workerData: { host: settings.host, port: settings.port, stallMs: settings.stallMs, beatMs, beats },
  });
  let exited = false;
  const exit = once(worker, 'exit').then(() => {
    exited = true;
  });
  const [reply] = (await once(worker, 'message')) as [{ port?: number; error?: { message: string } }];
  if (reply.error || reply.port === undefined) {
    await worker.terminate();
    throw new Error(
      `the liveness listener could not listen on ${settings.host}:${settings.port}: ${reply.error?.message}`,
    );
  }
  worker.on('error', (error) => settings.onError?.(error));
  // Never what keeps the process alive: it lives exactly as long as the gateway does.
  worker.unref();
  const beat = setInterval(() => Atomics.add(counter, 0, 1), beatMs);
  beat.unref();
  let closing: Promise<void> | null = null;
  return {
    port: reply.port,
    close: () => {
      closing ??= (async () => {
        clearInterval(beat);
        if (exited) return;
        worker.postMessage('close');
        await exit;
      })();
      return closing;
    },
  };
}
