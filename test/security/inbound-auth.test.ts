import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activity, botAppId, testUser } from '../helpers/activities.ts';
import { snapshot, tempStore } from '../helpers/store-snapshot.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';
import { TokenIssuer, testIssuer } from '../helpers/token-issuer.ts';

// The real bot, started with Bot Framework credentials (no development flag), against a local OpenID
// configuration and key set: only requests with a valid Bot Framework token get through.

const clientSecret = 'cs~TEST-SECRET-0123456789abcdefXYZ';
const outboundToken = 'outbound-token-5f2b9c';

describe('inbound authentication on /api/messages', () => {
  let issuer: TokenIssuer;
  let t: TestBot;
  let temp: ReturnType<typeof tempStore>;

  beforeAll(async () => {
    issuer = await TokenIssuer.start();
    temp = tempStore();
    t = await startTestBot({
      store: temp.store,
      env: {
        DEV_ALLOW_UNAUTHENTICATED: 'false',
        CLIENT_ID: botAppId,
        CLIENT_SECRET: clientSecret,
        BOT_OPENID_METADATA_URL: issuer.metadataUrl,
        BOT_TOKEN_ISSUER: testIssuer,
        LOG_LEVEL: 'trace',
      },
      token: async () => outboundToken,
    });
  });
  afterAll(async () => {
    await t.stop();
    await temp.store.close();
    temp.remove();
    await issuer.close();
  });

  const claimsFor = (serviceUrl: string) => ({ aud: botAppId, serviceurl: serviceUrl });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('lets a request with a valid token through, and the bot answers with its own outbound token', async () => {
    const user = testUser('Sanne', 'sanne@school.nl');
    t.join(user);
    const body = activity('personal-installation-add', user, t.connector.url);
    const res = await t.post(body, { headers: bearer(issuer.token(claimsFor(t.connector.url))) });
    expect(res.status).toBe(200);
    const sent = t.connector.recorded.filter((r) => r.conversationId === user.conversationId);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.authorization).toBe(`Bearer ${outboundToken}`);
    // A second valid token for a card action: invokes get their card back.
    const invoke = activity('card-action-execute', user, t.connector.url, { verb: 'help', data: {}, replyToId: 'x' });
    const answer = await t.post(invoke, { headers: bearer(issuer.token(claimsFor(t.connector.url))) });
    expect(answer.status).toBe(200);
    expect((answer.body as { type: string }).type).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('refuses forged, expired, early, misaddressed, unsigned, malformed and missing tokens with 401 and no side effects', async () => {
    const user = testUser('Mallory', 'mallory@school.nl');
    t.join(user);
    const url = t.connector.url;
    const now = Math.floor(Date.now() / 1000);
    const good = claimsFor(url);
    const [h, p] = issuer.token(good).split('.');
    const cases: [string, Record<string, string>][] = [
      ['signed with another key (same kid)', bearer(issuer.token(good, { key: issuer.forged }))],
      ['unknown kid', bearer(issuer.token(good, { header: { kid: 'not-published' } }))],
      ['expired long ago', bearer(issuer.token({ ...good, nbf: now - 7200, iat: now - 7200, exp: now - 3600 }))],
      ['not yet valid', bearer(issuer.token({ ...good, nbf: now + 3600, exp: now + 7200 }))],
      ['no expiry', bearer(issuer.token({ ...good, exp: undefined }))],
      ['wrong audience', bearer(issuer.token({ ...good, aud: '11111111-2222-3333-4444-555555555555' }))],
      ['SDK-style audience alias', bearer(issuer.token({ ...good, aud: `api://botid-${botAppId}` }))],
      ['wrong issuer', bearer(issuer.token({ ...good, iss: 'https://evil.example.com' }))],
      ['Entra issuer', bearer(issuer.token({ ...good, iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/' }))],
      ['alg none, no signature', bearer(issuer.token(good, { header: { alg: 'none' }, unsigned: true }))],
      ['RS256 header, signature removed', { authorization: `Bearer ${h}.${p}.` }],
      ['HS256 with the public key as secret', bearer(issuer.token(good, { header: { alg: 'HS256' } }))],
      ['service URL claim of another service', bearer(issuer.token({ ...good, serviceurl: 'https://evil.example.com/teams' }))],
      ['no service URL claim', bearer(issuer.token({ ...good, serviceurl: undefined }))],
      ['malformed token', bearer('not.a.jwt')],
      ['garbage', bearer('%%%')],
      ['two parts', bearer(`${h}.${p}`)],
      ['Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['empty header', { authorization: '' }],
      ['no header', {}],
    ];
    const before = snapshot(temp.file);
    const recorded = t.connector.recorded.length;
    for (const [name, headers] of cases) {
      const body = activity('personal-message', user, url, { text: 'reflecteer' });
      const res = await t.post(body, { headers });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
    }
    // A valid token, but the activity claims another serviceUrl than the token was issued for: answers
    // must not be sent to a URL the attacker chose.
    const elsewhere = activity('personal-message', user, 'https://evil.example.com/teams', { text: 'reflecteer' });
    expect((await t.post(elsewhere, { headers: bearer(issuer.token(good)) })).status).toBe(401);
    // A valid token whose signing key is not endorsed for the channel the activity claims to come from.
    const otherChannel = { ...activity('personal-message', user, url, { text: 'reflecteer' }), channelId: 'webchat' };
    expect((await t.post(otherChannel, { headers: bearer(issuer.token(good)) })).status).toBe(401);
    // A card submit with a forged token changes nothing either.
    const submit = activity('card-action-execute', user, url, { verb: 'reflection.start', data: {}, replyToId: 'x' });
    expect((await t.post(submit, { headers: bearer(issuer.token(good, { key: issuer.forged })) })).status).toBe(401);

    expect(snapshot(temp.file)).toEqual(before);
    expect(t.connector.recorded.length).toBe(recorded);
  });

  it('does not refetch the key set for every forged kid', async () => {
    const user = testUser('Eve', 'eve@school.nl');
    const before = issuer.keyRequests;
    for (let i = 0; i < 20; i++) {
      const token = issuer.token(claimsFor(t.connector.url), { header: { kid: `random-${i}` } });
      const res = await t.post(activity('personal-message', user, t.connector.url, { text: 'hoi' }), { headers: bearer(token) });
      expect(res.status).toBe(401);
    }
    expect(issuer.keyRequests - before).toBeLessThanOrEqual(1);
  });

  it('never logs the client secret or a bearer token', async () => {
    const token = issuer.token(claimsFor(t.connector.url));
    const user = testUser('Daan', 'daan@school.nl');
    t.join(user);
    await t.post(activity('personal-installation-add', user, t.connector.url), { headers: bearer(token) });
    await t.post(activity('personal-message', user, t.connector.url, { text: 'hoi' }), { headers: bearer(`${token}x`) });
    const log = t.logLines.join('\n');
    expect(t.logLines.length).toBeGreaterThan(5);
    expect(log).not.toContain(clientSecret);
    expect(log).not.toContain(token.split('.')[2]!);
    expect(log).not.toContain(token.split('.')[1]!);
    expect(log).not.toContain(outboundToken);
  });
});
