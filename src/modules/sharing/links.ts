import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// The link itself: 256 random bits, of which the store keeps only the SHA-256. A copy of the store (or
// a log) holds no working link, and a guessed or altered token finds nothing. Tokens have one exact
// shape; anything else is refused before the store is asked.

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored id of a token, or undefined when it cannot be one of ours. */
export function linkIdOf(token: string): string | undefined {
  if (!tokenPattern.test(token)) return undefined;
  return createHash('sha256').update(token).digest('hex');
}

/** Equal strings in time that does not depend on where they differ (form secrets). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/** The path a link opens, under the bot's own address. */
export const linkPath = (token: string) => `/s/${token}`;
