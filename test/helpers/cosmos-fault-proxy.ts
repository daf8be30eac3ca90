import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

// A TLS proxy in front of the in-process Cosmos DB emulator that answers like Cosmos DB does when it is
// throttled or unwell: 429 with x-ms-retry-after-ms, 503, 408, or a connection dropped without an answer.
// The emulator's account document names the emulator's own address; the proxy rewrites it to its own, so
// the SDK's endpoint discovery keeps every request on the proxy.

export type Fault =
  | { kind: '429'; retryAfterMs: number }
  | { kind: '503' }
  | { kind: '408' }
  /** The request reaches Cosmos DB, the answer is lost: a write may have happened. */
  | { kind: 'drop-after' }
  /** The connection is cut before the request reaches Cosmos DB. */
  | { kind: 'drop-before' };

export interface FaultProxy {
  endpoint: string;
  /** The fault for requests from now on; undefined passes everything through. */
  fault: Fault | undefined;
  /** Share of requests that get the fault (default 1: all). */
  share: number;
  /** Requests seen, and requests that got a fault, per fault kind. */
  stats: { requests: number; faults: Record<string, number> };
  close(): Promise<void>;
}

const certDir = path.dirname(createRequire(import.meta.url).resolve('@vercel/cosmosdb-server/package.json'));

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true });
  let self = '';
  const proxy: FaultProxy = {
    endpoint: '',
    fault: undefined,
    share: 1,
    stats: { requests: 0, faults: {} },
    close: async () => {},
  };
  const server = https.createServer(
    { cert: fs.readFileSync(path.join(certDir, 'cert.pem')), key: fs.readFileSync(path.join(certDir, 'key.pem')) },
    (req, res) => {
      proxy.stats.requests++;
      const fault = proxy.fault && Math.random() < proxy.share ? proxy.fault : undefined;
      if (fault) proxy.stats.faults[fault.kind] = (proxy.stats.faults[fault.kind] ?? 0) + 1;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (fault?.kind === 'drop-before') {
          req.socket.destroy();
          return;
        }
        if (fault && fault.kind !== 'drop-after') {
          const status = Number(fault.kind);
          const headers: Record<string, string> = { 'content-type': 'application/json', 'x-ms-activity-id': 'fault' };
          if (fault.kind === '429') {
            headers['x-ms-retry-after-ms'] = String(fault.retryAfterMs);
            headers['x-ms-substatus'] = '3200';
          }
          res.writeHead(status, headers);
          res.end(
            JSON.stringify({
              code: status === 429 ? 'TooManyRequests' : status === 503 ? 'ServiceUnavailable' : 'RequestTimeout',
              message: 'injected',
            }),
          );
          return;
        }
        const out = https.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
            agent,
          },
          (up) => {
            const body: Buffer[] = [];
            up.on('data', (c: Buffer) => body.push(c));
            up.on('end', () => {
              if (fault?.kind === 'drop-after') {
                req.socket.destroy();
                return;
              }
              let payload = Buffer.concat(body);
              if (req.url === '/' || req.url === '')
                payload = Buffer.from(payload.toString('utf8').split(upstream.host).join(self));
              const headers = { ...up.headers, 'content-length': String(payload.length) };
              delete headers['transfer-encoding'];
              res.writeHead(up.statusCode ?? 500, headers);
              res.end(payload);
            });
          },
        );
        out.on('error', () => req.socket.destroy());
        out.end(Buffer.concat(chunks));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.endpoint = `https://${self}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
