import http from 'node:http';
import { gunzipSync } from 'node:zlib';

// A stand-in for an OpenTelemetry collector: accepts OTLP over HTTP with JSON bodies on /v1/traces,
// /v1/metrics and /v1/logs, as Application Insights' OTLP endpoint or any collector does, and keeps
// every body as it arrived so a test can read it and scan it.

type KeyValue = { key: string; value: Record<string, unknown> };

export interface CollectedSpan {
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status?: { code?: number };
}

export interface CollectedPoint {
  metric: string;
  attributes: Record<string, unknown>;
  value: number;
}

const anyValue = (v: Record<string, unknown>): unknown =>
  v['stringValue'] ?? (v['intValue'] !== undefined ? Number(v['intValue']) : undefined) ?? v['doubleValue'] ?? v['boolValue'];

const attrs = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, anyValue(a.value)]));

export class OtlpCollector {
  readonly bodies: { path: string; text: string }[] = [];
  private server!: http.Server;
  url = '';

  static async start(): Promise<OtlpCollector> {
    const c = new OtlpCollector();
    c.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const known = ['/v1/traces', '/v1/metrics', '/v1/logs'].includes(req.url ?? '');
        if (!known || !String(req.headers['content-type']).startsWith('application/json')) {
          res.writeHead(415).end();
          return;
        }
        c.bodies.push({ path: req.url!, text: raw.toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => c.server.listen(0, '127.0.0.1', resolve));
    const { port } = c.server.address() as { port: number };
    c.url = `http://127.0.0.1:${port}`;
    return c;
  }

  private of(path: string): Record<string, unknown>[] {
    return this.bodies.filter((b) => b.path === path).map((b) => JSON.parse(b.text) as Record<string, unknown>);
  }

  spans(): CollectedSpan[] {
    return this.of('/v1/traces').flatMap((b) =>
      (b['resourceSpans'] as { scopeSpans: { spans: (CollectedSpan & { attributes: KeyValue[] })[] }[] }[]).flatMap((r) =>
        r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, attributes: attrs(span.attributes) }))),
      ),
    );
  }

  /** The data points of the last metrics export: the SDK exports cumulative sums, so the last holds every total. */
  points(): CollectedPoint[] {
    type Point = { attributes?: KeyValue[]; asInt?: string | number; asDouble?: number; sum?: number; count?: string | number };
    type Metric = {
      name: string;
      sum?: { dataPoints: Point[] };
      gauge?: { dataPoints: Point[] };
      histogram?: { dataPoints: Point[] };
    };
    return this.of('/v1/metrics')
      .slice(-1)
      .flatMap((b) =>
        (b['resourceMetrics'] as { scopeMetrics: { metrics: Metric[] }[] }[]).flatMap((r) =>
          r.scopeMetrics.flatMap((s) =>
            s.metrics.flatMap(
              (m) =>
                (m.sum ?? m.gauge ?? m.histogram)?.dataPoints.map((p) => ({
                  metric: m.name,
                  attributes: attrs(p.attributes),
                  value: Number(p.asInt ?? p.asDouble ?? p.count ?? 0),
                })) ?? [],
            ),
          ),
        ),
      );
  }

  logs(): { body: unknown; attributes: Record<string, unknown> }[] {
    type Rec = { body?: Record<string, unknown>; attributes?: KeyValue[] };
    return this.of('/v1/logs').flatMap((b) =>
      (b['resourceLogs'] as { scopeLogs: { logRecords: Rec[] }[] }[]).flatMap((r) =>
        r.scopeLogs.flatMap((s) =>
          s.logRecords.map((l) => ({ body: l.body ? anyValue(l.body) : undefined, attributes: attrs(l.attributes) })),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
