import type { ConnectionOptions } from 'bullmq';
import { JetlensInputError } from '../errors.js';

export const DEFAULT_QUEUE = 'jetlens';

/** Redis list holding jobs that failed validation (newest first): `<queue>:dead`. */
export const deadLetterKey = (queue: string) => `${queue}:dead`;

/** The dead-letter list keeps at most this many entries (newest first; older ones are trimmed). */
export const DEAD_LETTER_MAX = 10000;

/** 'redis://[user:password@]host[:port][/db]' (or rediss:// for TLS) -> BullMQ/ioredis connection options. */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new JetlensInputError(`--redis: expected a URL such as redis://127.0.0.1:6379, got '${redactRedisUrl(url)}'`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new JetlensInputError(`--redis: expected redis:// or rediss://, got '${u.protocol}'`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new JetlensInputError(`--redis: bad database number in '${redactRedisUrl(url)}'`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** The URL with its password replaced by '***' (for logs and the ready line: credentials are never printed). */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}
