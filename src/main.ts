import { ConfigError, loadConfig } from './config.js';
import { signalPolicy } from './server/signals.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One readable line, no stack: this is an operator's typo, not a bug.
  process.stderr.write(`listing-graph: configuration error: ${error.message}\n`);
  process.exit(1);
}

// Loaded once the configuration is known good: a typo is reported without loading the server.
const { startApp } = await import('./app.js');
const app = await startApp(config);
const publicUrl = app.url.replace('127.0.0.1', 'localhost');
if (app.sandbox) {
  app.logger.warn(
    { sandboxControls: `${app.sandbox.beikeUrl}/__sandbox/time` },
    `SANDBOX MODE: simulated Beike and Fang providers with generated data (nothing here is a real listing). ` +
      `Set BEIKE_TOKEN and/or FANG_KEY + FANG_SECRET for live mode. ` +
      `Move the simulated world: curl -X POST ${app.sandbox.beikeUrl}/__sandbox/time -d '{"days":7}'`,
  );
}
app.logger.info(
  {
    url: publicUrl,
    mode: app.sandbox ? 'SANDBOX' : 'LIVE',
    ...(app.healthUrl ? { liveness: app.healthUrl.replace('127.0.0.1', 'localhost') } : {}),
  },
  `listing-graph listening on ${publicUrl}`,
);

/**
 * SIGTERM (an orchestrator): `/ready` turns false, the server keeps serving for SHUTDOWN_DELAY_MS
 * so that load balancers notice, then stops accepting and gives requests already received up to
 * SHUTDOWN_TIMEOUT_MS before closing the pools. SIGINT (a developer's Ctrl-C) skips the delay.
 * More SIGTERMs change nothing; a second Ctrl-C exits at once. The deadline timer below can fire
 * because nothing blocks the main thread, log writes included (stdout-destination.ts).
 */
const decide = signalPolicy();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    const { action } = decide(signal);
    if (action === 'ignore') {
      app.logger.info({ signal }, 'already draining; signal ignored');
      return;
    }
    if (action === 'exit') {
      app.logger.warn({ signal }, 'second Ctrl-C: exiting without finishing requests');
      process.exit(130);
    }
    const delayMs = signal === 'SIGTERM' ? config.shutdown.delayMs : 0;
    const deadlineMs = config.shutdown.timeoutMs;
    app.logger.info(
      { signal, delayMs, deadlineMs },
      'draining: not ready; finishing requests already received',
    );
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
