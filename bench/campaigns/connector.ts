import { LoopbackConnector, type Recorded } from '../../test/helpers/loopback-connector.ts';

// The bench's Teams: loopback connectors in their own process (so their work is not counted as the bot's),
// enforcing the tenant and conversation limits (strict sliding windows, as Teams counts them, unless
// LIMIT_WINDOW=bucket asks for the lenient one-second bucket) and injecting 429s (with Retry-After) and 5xx.
// TENANTS=N starts one connector per tenant (a school's service URL is its own connector), so each tenant
// has its own window, as at Teams. Each counts every prompt it accepted by reflection id, which is fixed
// per delivery: a second one is a duplicate; and when it accepted its first and last.

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

interface TenantCount {
  perReflection: Map<string, number>;
  messages: number;
  updates: number;
  firstAt: number;
  lastAt: number;
  /** When each prompt was accepted, ms from the connectors' start. */
  times: number[];
}

function reflectionIdOf(activity: Record<string, unknown>): string {
  const m = /"reflectionId":"([^"]+)"/.exec(JSON.stringify(activity['attachments'] ?? ''));
  return m?.[1] ?? '(none)';
}

async function startTenant(port: number) {
  const connector = await LoopbackConnector.start(
    {
      limits: {
        tenantPerSecond: num('LIMIT_RPS', 50),
        conversationPerSecond: num('LIMIT_CONVERSATION_RPS', 7),
        window: process.env['LIMIT_WINDOW'] === 'bucket' ? 'bucket' : 'sliding',
      },
      inject: { rate429: num('INJECT_429', 0.005), rate5xx: num('INJECT_5XX', 0.005), retryAfterSeconds: num('RETRY_AFTER', 1) },
      latencyMs: num('LATENCY_MS', 20),
      keepActivities: false,
    },
    port,
  );
  const count: TenantCount = { perReflection: new Map(), messages: 0, updates: 0, firstAt: 0, lastAt: 0, times: [] };
  connector.onRecord = (r: Recorded) => {
    if (r.op !== 'create') {
      count.updates++;
      return;
    }
    const now = performance.now();
    if (!count.firstAt) count.firstAt = now;
    count.lastAt = now;
    count.messages++;
    if (process.env['RECORD_TIMES'] === '1') count.times.push(now - startedAt);
    const id = reflectionIdOf(r.activity);
    count.perReflection.set(id, (count.perReflection.get(id) ?? 0) + 1);
  };
  return { connector, count };
}

let startedAt = performance.now();
const tenants = await Promise.all(Array.from({ length: num('TENANTS', 1) }, (_, i) => startTenant(i === 0 ? num('PORT', 0) : 0)));
startedAt = performance.now();

function statsOf(t: (typeof tenants)[number]) {
  const unique = t.count.perReflection.size;
  return {
    ...t.connector.stats,
    messages: t.count.messages,
    updates: t.count.updates,
    unique,
    duplicates: t.count.messages - unique,
    spanMs: t.count.lastAt - t.count.firstAt,
    // On this process's clock, from the connectors' start: comparable between tenants.
    firstAtMs: t.count.firstAt ? t.count.firstAt - startedAt : undefined,
    lastAtMs: t.count.lastAt ? t.count.lastAt - startedAt : undefined,
    times: t.count.times,
  };
}

process.on('message', (m) => {
  if (m === 'stats') {
    const each = tenants.map(statsOf);
    const sum = (key: 'requests' | 'accepted' | 'limited' | 'injected429' | 'injected5xx' | 'failed' | 'messages' | 'updates') =>
      each.reduce((n, s) => n + s[key], 0);
    const firsts = each.flatMap((s) => (s.firstAtMs === undefined ? [] : [s.firstAtMs]));
    const lasts = each.flatMap((s) => (s.lastAtMs === undefined ? [] : [s.lastAtMs]));
    const unique = each.reduce((n, s) => n + s.unique, 0);
    const cpu = process.cpuUsage();
    process.send?.({
      type: 'stats',
      requests: sum('requests'),
      accepted: sum('accepted'),
      limited: sum('limited'),
      injected429: sum('injected429'),
      injected5xx: sum('injected5xx'),
      failed: sum('failed'),
      messages: sum('messages'),
      updates: sum('updates'),
      unique,
      duplicates: sum('messages') - unique,
      spanMs: lasts.length ? Math.max(...lasts) - Math.min(...firsts) : 0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      tenants: each,
    });
  }
  if (m === 'stop') void Promise.all(tenants.map((t) => t.connector.close())).then(() => process.exit(0));
});
process.send?.({ type: 'ready', url: tenants[0]!.connector.url, urls: tenants.map((t) => t.connector.url) });
