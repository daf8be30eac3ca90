import { ManagedIdentityCredential } from '@azure/identity';
import {
  AzureMonitorLogExporter,
  AzureMonitorMetricExporter,
  AzureMonitorTraceExporter,
} from '@azure/monitor-opentelemetry-exporter';
import { context, metrics, trace } from '@opentelemetry/api';
import { type AnyValueMap, logs, SeverityNumber } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type Logger, setLogTap } from './log.ts';
import type { TelemetryExport, TelemetrySettings } from './telemetry.ts';

// The OpenTelemetry SDK, loaded only when a destination is configured (src/platform/telemetry.ts).
// Application Insights gets the Azure Monitor exporters, signed in with the web app's managed identity
// when it has one (the Bicep turns local authentication off); any other collector gets OTLP over HTTP.

interface Exporters {
  spans: SpanExporter[];
  metrics: PushMetricExporter[];
  logs: LogRecordExporter[];
  destinations: string[];
}

function exportersFor(settings: TelemetrySettings): Exporters {
  const out: Exporters = { spans: [], metrics: [], logs: [], destinations: [] };
  if (settings.connectionString) {
    const options = {
      connectionString: settings.connectionString,
      ...(settings.managedIdentityClientId
        ? { credential: new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId }) }
        : {}),
    };
    out.spans.push(new AzureMonitorTraceExporter(options));
    out.metrics.push(new AzureMonitorMetricExporter(options));
    out.logs.push(new AzureMonitorLogExporter(options));
    out.destinations.push('application-insights');
  }
  if (settings.otlpEndpoint) {
    const base = settings.otlpEndpoint.replace(/\/+$/, '');
    out.spans.push(new OTLPTraceExporter({ url: `${base}/v1/traces` }));
    out.metrics.push(new OTLPMetricExporter({ url: `${base}/v1/metrics` }));
    out.logs.push(new OTLPLogExporter({ url: `${base}/v1/logs` }));
    out.destinations.push('otlp');
  }
  return out;
}

const severities: Record<number, SeverityNumber> = {
  10: SeverityNumber.TRACE,
  20: SeverityNumber.DEBUG,
  30: SeverityNumber.INFO,
  40: SeverityNumber.WARN,
  50: SeverityNumber.ERROR,
  60: SeverityNumber.FATAL,
};

/** A pino line as a log record: the message as body, the line's plain fields as attributes. */
function tapLogs(provider: LoggerProvider): void {
  const logger = provider.getLogger('lob-reflectie');
  setLogTap((line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const { level, msg, time: _time, app: _app, ...rest } = entry;
    const attributes: AnyValueMap = {};
    for (const [k, v] of Object.entries(rest)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
    }
    logger.emit({
      severityNumber: severities[Number(level)] ?? SeverityNumber.INFO,
      body: typeof msg === 'string' ? msg : '',
      attributes,
    });
  });
}

export async function startExport(settings: TelemetrySettings, log: Logger): Promise<TelemetryExport> {
  const exporters = exportersFor(settings);
  const resource = resourceFromAttributes({
    'service.name': 'lob-reflectie',
    'service.version': settings.version,
    'service.instance.id': settings.instanceId,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracing = new BasicTracerProvider({
    resource,
    spanProcessors: exporters.spans.map((e) => new BatchSpanProcessor(e)),
  });
  trace.setGlobalTracerProvider(tracing);
  const metering = new MeterProvider({
    resource,
    readers: exporters.metrics.map(
      (exporter) => new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: settings.exportIntervalMs }),
    ),
  });
  metrics.setGlobalMeterProvider(metering);
  const logging = new LoggerProvider({
    resource,
    processors: exporters.logs.map((exporter) => new BatchLogRecordProcessor({ exporter })),
  });
  logs.setGlobalLoggerProvider(logging);
  tapLogs(logging);
  log.info({ destinations: exporters.destinations }, 'telemetry export on');

  const flush = async () => {
    await Promise.all([tracing.forceFlush(), metering.forceFlush(), logging.forceFlush()]);
  };
  return {
    destinations: exporters.destinations,
    flush,
    shutdown: async () => {
      setLogTap(undefined);
      await Promise.allSettled([tracing.shutdown(), metering.shutdown(), logging.shutdown()]);
    },
  };
}
