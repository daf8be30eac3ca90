import http from 'node:http';
import https from 'node:https';

// How the connector client talks HTTP. By default plain node:http(s) with keep-alive connections: a
// campaign sends thousands of small requests to one host, and this costs a third of the CPU of fetch
// per request (bench/README.md). Tests and the Playground pass a fetch instead, to route or fail calls.

export interface HttpAnswer {
  status: number;
  text: string;
  header(name: string): string | null;
}

export interface HttpCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export type Transport = (call: HttpCall) => Promise<HttpAnswer>;

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export const nodeTransport: Transport = (call) =>
  new Promise((resolve, reject) => {
    const url = new URL(call.url);
    const secure = url.protocol === 'https:';
    const headers =
      call.body === undefined ? call.headers : { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) };
    const req = (secure ? https : http).request(
      url,
      { method: call.method, headers, agent: secure ? agents.https : agents.http, timeout: call.timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            header: (name) => {
              const v = res.headers[name.toLowerCase()];
              return Array.isArray(v) ? v.join(', ') : (v ?? null);
            },
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${call.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(call.body);
  });

export function fetchTransport(f: typeof fetch): Transport {
  return async (call) => {
    const res = await f(call.url, {
      method: call.method,
      headers: call.headers,
      ...(call.body !== undefined ? { body: call.body } : {}),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    return { status: res.status, text: await res.text(), header: (name) => res.headers.get(name) };
  };
}
