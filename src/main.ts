import { startApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One readable line, no stack: this is an operator's typo, not a bug.
  process.stderr.write(`listing-graph: configuration error: ${error.message}\n`);
  process.exit(1);
}

const app = await startApp(config);
const publicUrl = app.url.replace('127.0.0.1', 'localhost');
if (app.sandbox) {
  app.logger.warn(
    `SANDBOX MODE: simulated Beike and Fang providers with generated data (nothing here is a real listing). ` +
      `Set BEIKE_TOKEN and/or FANG_KEY + FANG_SECRET for live mode.`,
  );
}
app.logger.info(
  { url: publicUrl, mode: app.sandbox ? 'SANDBOX' : 'LIVE' },
  `listing-graph listening on ${publicUrl}`,
);

/**
 * SIGTERM (an orchestrator): `/ready` turns false, the server keeps serving for SHUTDOWN_DELAY_MS
 * so that load balancers notice, then stops accepting and gives in-flight requests up to
 * SHUTDOWN_TIMEOUT_MS before closing the pools. SIGINT (a developer's Ctrl-C) skips the delay.
 * A second signal, or a shutdown that hangs past its own deadline, exits at once.
 */
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      app.logger.warn({ signal }, 'second signal: exiting without finishing requests');
      process.exit(1);
    }
    stopping = true;
    const delayMs = signal === 'SIGTERM' ? config.shutdown.delayMs : 0;
    const deadlineMs = config.shutdown.timeoutMs;
    app.logger.info({ signal, delayMs, deadlineMs }, 'draining: not ready; finishing in-flight requests');
    setTimeout(
      () => {
        app.logger.error('shutdown hung past its deadline');
        process.exit(1);
      },
      delayMs + deadlineMs + 5_000,
    ).unref();
    app.close({ delayMs, deadlineMs }).then(
      () => {
        app.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
