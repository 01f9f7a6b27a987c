/**
 * Apollo's KeyValueCache over keyv, so automatic persisted queries live in the
 * shared Redis store: a client that registered a query's hash with one gateway
 * replica can send just the hash to any other. Written here because the
 * adapter package (@apollo/utils.keyvadapter) is not a dependency; it is a
 * unit conversion away from keyv's own interface.
 */
import type Keyv from 'keyv';
import type { PersistedQueryOptions } from '@apollo/server';

/** Apollo's KeyValueCache, named through the package this project depends on. */
type KeyValueCache = NonNullable<PersistedQueryOptions['cache']>;

export class KeyvKeyValueCache implements KeyValueCache {
  constructor(
    private readonly keyv: Keyv,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const v = await this.keyv.get<string>(this.prefix + key);
    return typeof v === 'string' ? v : undefined;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    // Apollo's TTLs are seconds and keyv's are milliseconds; null or absent means no expiry.
    const ttl = options?.ttl ? options.ttl * 1000 : undefined;
    await this.keyv.set(this.prefix + key, value, ttl);
  }

  async delete(key: string): Promise<boolean | void> {
    return this.keyv.delete(this.prefix + key);
  }
}
