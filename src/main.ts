import cluster from 'node:cluster';
import { startBot } from './app.ts';
import { FlowLoadError } from './core/flows/load-flows.ts';
import { ConfigError, developmentWarning, loadConfig } from './platform/config.ts';
import { createLogger } from './platform/log.ts';
import { prettyDestination, wantsPrettyLogs } from './platform/log-pretty.ts';
import { openStore } from './platform/store/open-store.ts';
import { superviseWorkers } from './platform/workers.ts';
import { TeamsSendThrottle } from './teams/rate-limit.ts';
import { serveThrottle, WorkerThrottle } from './teams/shared-throttle.ts';

// The bot's entry point: `npm start` (local development, see env.development) or
// `npm run start:production` (App Service). With WORKERS > 1 this process becomes the primary: it starts
// that many worker processes, each a whole bot on the same port, and keeps the tenants' send budget.

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
  if (warning && cluster.isPrimary) log.warn(warning);
  process.on('unhandledRejection', (reason) => log.error({ err: String(reason) }, 'unhandled rejection'));

  if (cluster.isPrimary && config.workers > 1) {
    serveThrottle(
      new TeamsSendThrottle(
        { tenantPerSecond: config.TEAMS_TENANT_RPS, conversationPerSecond: config.TEAMS_CONVERSATION_RPS },
        { roundTrips: { maxMs: config.TEAMS_SEND_CREDIT_MAX_MS } },
      ),
    );
    const supervisor = superviseWorkers({ count: config.workers, log });
    log.info({ workers: config.workers }, 'LOB Reflectie primary: workers share the port and the send budget');
    const stopAll = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'stopping the workers');
      void supervisor.stop('SIGTERM').then(() => process.exit(0));
    };
    process.on('SIGINT', () => stopAll('SIGINT'));
    process.on('SIGTERM', () => stopAll('SIGTERM'));
    return;
  }

  const store = await openStore(config, log);
  let bot: Awaited<ReturnType<typeof startBot>>;
  try {
    bot = await startBot({ config, log, store, ...(cluster.isWorker ? { throttle: new WorkerThrottle() } : {}) });
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
  log.info(
    {
      url: `${bot.url}/api/messages`,
      store: store.kind,
      ...(cluster.isWorker ? { worker: cluster.worker?.id, pid: process.pid } : {}),
    },
    'LOB Reflectie is listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    // A stop that hangs (a stuck connection) must not keep the process, or its port, forever.
    setTimeout(() => process.exit(1), 15_000).unref();
    await bot.stop();
    await store.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A worker whose primary is gone (killed, crashed) stops too: nobody would restart it or share its
  // send budget, and an orphan would keep serving on the port.
  if (cluster.isWorker) process.on('disconnect', () => void shutdown('primary gone'));
}

await main();
