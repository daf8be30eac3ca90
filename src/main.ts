import { startBot } from './app.ts';
import { FlowLoadError } from './core/flows/load-flows.ts';
import { ConfigError, developmentWarning, loadConfig } from './platform/config.ts';
import { createLogger } from './platform/log.ts';
import { prettyDestination, wantsPrettyLogs } from './platform/log-pretty.ts';
import { openStore } from './platform/store/open-store.ts';

// The bot's entry point: `npm start` (local development, see env.development) or
// `npm run start:production` (App Service).

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // Readable lines in a developer's terminal, JSON for log tooling everywhere else.
  const log = createLogger(
    config.LOG_LEVEL,
    wantsPrettyLogs(process.stdout, config.production) ? prettyDestination(process.stdout) : undefined,
  );
  const warning = developmentWarning(config);
  if (warning) log.warn(warning);
  process.on('unhandledRejection', (reason) => log.error({ err: String(reason) }, 'unhandled rejection'));

  const store = await openStore(config, log);
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({ config, log, store });
  } catch (err) {
    if (err instanceof FlowLoadError) {
      process.stderr.write(`Prompt library error: ${err.message}\n`);
      process.exit(1);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(
        `Port ${config.PORT} on ${config.HOST} is already in use: is the bot already running? Set PORT to use another.\n`,
      );
      process.exit(1);
    }
    throw err;
  }
  log.info({ url: `${bot.url}/api/messages`, store: store.kind }, 'LOB Reflectie is listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await bot.stop();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
