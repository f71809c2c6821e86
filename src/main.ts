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

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
