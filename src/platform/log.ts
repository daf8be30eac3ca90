import pino, { type Logger } from 'pino';

export type { Logger };

// Students' answers must never reach a log line. Handlers log ids and counts only; these paths are a
// second net for objects that are logged whole by mistake.
const redactPaths = [
  'answers',
  '*.answers',
  'text',
  '*.text',
  'value',
  '*.value',
  'note',
  '*.note',
  'activity',
  '*.activity',
  'body',
  '*.body',
  // Credentials: never logged on purpose either; this catches a header set or a config logged whole.
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  'clientSecret',
  '*.clientSecret',
  'CLIENT_SECRET',
  '*.CLIENT_SECRET',
  'COSMOS_KEY',
  '*.COSMOS_KEY',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  '*.APPLICATIONINSIGHTS_CONNECTION_STRING',
];

/** Receives every finished log line as well (the telemetry export, when it is on). */
let tap: ((line: string) => void) | undefined;

export function setLogTap(fn: ((line: string) => void) | undefined): void {
  tap = fn;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const out = destination ?? pino.destination({ dest: 1 });
  return pino(
    {
      level,
      base: { app: 'lob-reflectie' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    {
      write(line: string) {
        out.write(line);
        tap?.(line);
      },
    },
  );
}

/** Only the message survives: the SDK passes whole activities (with answers) as extra arguments. */
function firstLine(args: unknown[]): string {
  return args
    .map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : ''))
    .filter(Boolean)
    .join(' ')
    .slice(0, 500);
}

// SDK warnings the bot already states itself: without credentials the SDK warns that it accepts
// unauthenticated requests, which the one development warning at start says (config.ts developmentWarning).
const restated = [/^No credentials configured/];

/** Adapts pino to the Teams SDK's ILogger without ever logging the SDK's object arguments. */
export function sdkLogger(log: Logger, name = 'teams-sdk') {
  const child = log.child({ component: name });
  const self = {
    error: (...args: unknown[]) => child.error(firstLine(args)),
    warn: (...args: unknown[]) => {
      const line = firstLine(args);
      if (restated.some((r) => r.test(line))) child.debug(line);
      else child.warn(line);
    },
    info: (...args: unknown[]) => child.debug(firstLine(args)),
    debug: (...args: unknown[]) => child.trace(firstLine(args)),
    trace: (...args: unknown[]) => child.trace(firstLine(args)),
    log: (_level: string, ...args: unknown[]) => child.debug(firstLine(args)),
    child: (n: string) => sdkLogger(log, `${name}/${n}`),
  };
  return self;
}
