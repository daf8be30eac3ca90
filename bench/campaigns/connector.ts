import { LoopbackConnector, type Recorded } from '../../test/helpers/loopback-connector.ts';

// The bench's Teams: a loopback connector in its own process (so its work is not counted as the bot's),
// enforcing the tenant and conversation limits (strict sliding windows, as Teams counts them, unless
// LIMIT_WINDOW=bucket asks for the lenient one-second bucket) and injecting 429s (with Retry-After) and 5xx. It counts
// every prompt it accepted by reflection id, which is fixed per delivery: a second one is a duplicate.

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

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
  num('PORT', 0),
);

const perReflection = new Map<string, number>();
let messages = 0;
let updates = 0;
let firstAt = 0;
let lastAt = 0;

function reflectionIdOf(activity: Record<string, unknown>): string {
  const m = /"reflectionId":"([^"]+)"/.exec(JSON.stringify(activity['attachments'] ?? ''));
  return m?.[1] ?? '(none)';
}

connector.onRecord = (r: Recorded) => {
  if (r.op !== 'create') {
    updates++;
    return;
  }
  const now = performance.now();
  if (!firstAt) firstAt = now;
  lastAt = now;
  messages++;
  const id = reflectionIdOf(r.activity);
  perReflection.set(id, (perReflection.get(id) ?? 0) + 1);
};

process.on('message', (m) => {
  if (m === 'stats') {
    process.send?.({
      type: 'stats',
      ...connector.stats,
      messages,
      updates,
      unique: perReflection.size,
      duplicates: messages - perReflection.size,
      spanMs: lastAt - firstAt,
    });
  }
  if (m === 'stop') void connector.close().then(() => process.exit(0));
});
process.send?.({ type: 'ready', url: connector.url });
