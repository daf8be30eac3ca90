import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Downloads } from '../../../src/modules/downloads/downloads.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';

// Short-lived download links on both backends: served while valid, 410 once expired, purged after.

describe.each(backends)('downloads: $name', (backend) => {
  let store: DocumentStore;
  let server: http.Server;
  let base: string;
  const clock = new ManualClock('2026-11-30T09:00:00Z');

  beforeEach(async () => {
    store = await backend.open();
    server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
  });

  it('serves a file by its link until it expires, keeps only a hash, and purges expired ones', async () => {
    const downloads = await Downloads.open(store, { clock, baseUrl: base });
    const app = express();
    app.get('/downloads/:token/:format', (req, res, next) => void downloads.handle(req, res).catch(next));
    server.on('request', app);
    const { urls } = await downloads.create({
      schoolId: 's',
      personId: 'p',
      files: { csv: { filename: 'check-gegevens havo 4 ë.csv', contentType: 'text/csv; charset=utf-8', body: 'a;b\r\n1;2\r\n' } },
    });
    const res = await fetch(urls['csv']!);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('a;b\r\n1;2\r\n');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="check-gegevens_havo_4__.csv"; filename*=UTF-8''check-gegevens%20havo%204%20%C3%AB.csv`,
    );
    expect((await fetch(urls['csv']!.replace(/\/csv$/, '/md'))).status).toBe(404);
    expect((await fetch(`${base}/downloads/short/csv`)).status).toBe(404);
    expect(await downloads.purge(clock.now())).toBe(0);
    clock.advance(15 * 60_000);
    expect((await fetch(urls['csv']!)).status).toBe(410);
    clock.advance(1);
    expect(await downloads.purge(clock.now())).toBe(1);
    expect((await fetch(urls['csv']!)).status).toBe(404);
    await expect(
      downloads.create({
        schoolId: 's',
        personId: 'p',
        files: { csv: { filename: 'x', contentType: 'text/csv', body: 'x'.repeat(600_000) } },
      }),
    ).rejects.toThrow(/over the limit/);
  });
});
