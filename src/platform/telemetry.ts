import { type Attributes, type Counter, type Histogram, metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from './log.ts';

// Traces, metrics and logs for the operator (Application Insights in Azure, any OTLP collector elsewhere).
// Nothing is exported unless a destination is configured; until then every call below is a no-op of the
// OpenTelemetry API. What goes out is what an operator needs to see that sending works: requests with
// their route and status, sends and throttling per kind, jobs and their failures. Never a student's
// words: spans and metrics carry ids, kinds, routes and counts only, and logs were already written
// without answers (src/platform/log.ts). test/platform/telemetry.test.ts scans every export for them.

const scope = 'lob-reflectie';

export const tracer = trace.getTracer(scope);

/**
 * Metric instruments are created against the meter provider of the moment. The OpenTelemetry API has
 * no stand-in that forwards to a provider registered later (as it has for tracers), so instruments are
 * looked up per use and made again once telemetry starts.
 */
let generation = 0;
const counters = new Map<string, { generation: number; instrument: Counter }>();
const histograms = new Map<string, { generation: number; instrument: Histogram }>();

function counter(name: string, description: string): Counter {
  let c = counters.get(name);
  if (!c || c.generation !== generation) {
    c = { generation, instrument: metrics.getMeter(scope).createCounter(name, { description }) };
    counters.set(name, c);
  }
  return c.instrument;
}

function histogram(name: string, description: string, unit: string): Histogram {
  let h = histograms.get(name);
  if (!h || h.generation !== generation) {
    h = { generation, instrument: metrics.getMeter(scope).createHistogram(name, { description, unit }) };
    histograms.set(name, h);
  }
  return h.instrument;
}

/** Messages still due per delivery kind after the last run of that kind on this instance. */
const dueByKind = new Map<string, number>();

function observeQueue(): void {
  metrics
    .getMeter(scope)
    .createObservableGauge('lob.delivery.due', { description: 'Messages still due, per kind, after the last delivery run' })
    .addCallback((result) => {
      for (const [kind, due] of dueByKind) result.observe(due, { kind });
    });
}

/** What the delivery engine, Reach and the scheduler report. Attribute values are fixed words, never content. */
export const telemetry = {
  /** One run of the delivery engine over the due messages of one kind; what still waits is the queue. */
  deliveryRun(kind: string, tally: { sent: number; waiting: number; skipped: number }): void {
    const outcomes = counter('lob.delivery.outcomes', 'Scheduled messages by kind and outcome of a delivery run');
    for (const outcome of ['sent', 'waiting', 'skipped'] as const) {
      if (tally[outcome]) outcomes.add(tally[outcome], { kind, outcome });
    }
    dueByKind.set(kind, tally.waiting);
  },
  /** One call to the Bot Connector through Reach, by what happened to it. */
  teamsCall(operation: 'send' | 'update' | 'open-chat', outcome: 'ok' | 'failed'): void {
    counter('lob.teams.calls', 'Calls to the Teams Bot Connector by operation and outcome').add(1, { operation, outcome });
  },
  throttled(scopeOf429: 'conversation' | 'tenant'): void {
    counter('lob.teams.throttled', 'HTTP 429 answers from Teams (each is retried after Retry-After)').add(1, {
      scope: scopeOf429,
    });
  },
  jobRun(job: string, outcome: string, ms: number): void {
    counter('lob.jobs.runs', 'Scheduled job runs by job and outcome').add(1, { job, outcome });
    histogram('lob.jobs.duration', 'Duration of scheduled job runs', 'ms').record(ms, { job });
  },
  request(route: string, method: string, status: number, ms: number): void {
    histogram('lob.http.duration', 'Duration of HTTP requests by route', 'ms').record(ms, {
      'http.route': route,
      'http.request.method': method,
      'http.response.status_code': status,
    });
  },
};

/** Runs `fn` inside a span; a thrown error marks the span failed (its message only, never data). */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  kind = SpanKind.INTERNAL,
): Promise<T> {
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'Error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Adds fixed-word attributes to the current span, and marks it failed when asked. */
export function markSpan(attributes: Attributes, failed = false): void {
  const span = trace.getActiveSpan();
  span?.setAttributes(attributes);
  if (failed) span?.setStatus({ code: SpanStatusCode.ERROR });
}

export interface TelemetrySettings {
  /** Application Insights (Azure Monitor) connection string. */
  connectionString?: string | undefined;
  /** Base URL of an OTLP/HTTP collector (…/v1/traces, /v1/metrics, /v1/logs are appended). */
  otlpEndpoint?: string | undefined;
  /** Signs the Azure Monitor exports in with this managed identity (Entra authentication, no key). */
  managedIdentityClientId?: string | undefined;
  instanceId: string;
  version: string;
  exportIntervalMs: number;
}

export interface TelemetryExport {
  destinations: string[];
  /** Sends what is buffered now (at stop, and in tests). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: TelemetryExport | undefined;

/**
 * Starts exporting when a destination is configured. The providers are the process's (one per worker
 * process); undefined when nothing is configured or another bot in this process already exports.
 */
export async function startTelemetry(settings: TelemetrySettings, log: Logger): Promise<TelemetryExport | undefined> {
  if ((!settings.connectionString && !settings.otlpEndpoint) || active) return undefined;
  const { startExport } = await import('./telemetry-export.ts');
  const started = await startExport(settings, log);
  generation++;
  observeQueue();
  active = {
    ...started,
    shutdown: async () => {
      active = undefined;
      await started.shutdown();
    },
  };
  return active;
}
