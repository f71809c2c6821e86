import type { DestinationStream } from 'pino';

/** Lines held in memory while stdout's reader is slow; past this, lines are dropped and counted. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Log lines to stdout that never block the event loop. pino's default destination writes with
 * `fs.writeSync` and, when a pipe is full (EAGAIN: the reader stopped reading, or its process is
 * gone while another holds the pipe), sleeps in `Atomics.wait` and retries forever: the main thread
 * then runs no timer and no signal handler, and only SIGKILL ends the process. `process.stdout` is
 * a libuv stream on a pipe: a write goes out at once when the pipe has room and is queued when not.
 * A stalled reader costs at most MAX_BUFFERED_BYTES of memory; a closed one (EPIPE) turns logging off.
 */
export function stdoutDestination(stdout: NodeJS.WriteStream = process.stdout): DestinationStream & {
  readonly dropped: number;
} {
  let closed = false;
  let dropped = 0;
  stdout.on('error', () => {
    closed = true;
  });
  return {
    write(line: string) {
      if (closed) return;
      if (stdout.writableLength > MAX_BUFFERED_BYTES) {
        dropped++;
        return;
      }
      stdout.write(line);
    },
    get dropped() {
      return dropped;
    },
  };
}
