// A process whose main thread a test can stop on demand: the liveness listener must notice and
// answer, from its own thread, while this thread is stuck. Lines on stdin: "block <ms>".
import { createInterface } from 'node:readline';
import { startLivenessListener } from '../../src/server/liveness-thread.js';

const listener = await startLivenessListener({ host: '127.0.0.1', port: 0, stallMs: 300, beatMs: 50 });
process.stdout.write(`${JSON.stringify({ port: listener.port })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const [command, ms] = line.split(' ');
  if (command !== 'block') continue;
  const until = Date.now() + Number(ms);
  while (Date.now() < until) {
    // Busy: no timer, no I/O callback, no heartbeat runs on this thread.
  }
  process.stdout.write('unblocked\n');
}
await listener.close();
