import { createCache, type CacheEvent, type CacheOptions } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { env } from 'cloudflare:workers'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { kyselyCache, type KyselyCacheOptions } from '../../src'
import { DDL, SEED, type Database } from './schema'

export const { DB, DB2, KV } = env as unknown as { DB: D1Database; DB2: D1Database; KV: KVNamespace }

export async function resetDatabase(d1: D1Database = DB): Promise<void> {
  // One statement per prepare: D1's exec splits on newlines.
  for (const statement of [...DDL, ...SEED]) await d1.prepare(statement).run()
}

/** Runs SQL on the unwrapped D1 binding: a change the cache cannot see. */
export function behindTheCache(statement: string, d1: D1Database = DB): Promise<unknown> {
  return d1.prepare(statement).run()
}

export interface SetupOptions extends KyselyCacheOptions {
  readonly cacheOptions?: Partial<CacheOptions>
  readonly database?: string
  /** The D1 binding the cached dialect talks to (a `...Fault` wrapper in interleaving tests). */
  readonly d1?: D1Database
}

/**
 * A fresh database and two Kysely instances on it: `db` through the cache, and `behind` straight
 * to D1 (changes data without telling the cache, which proves that a read was served cached).
 */
export async function setup(options: SetupOptions = {}) {
  await resetDatabase()
  const events: CacheEvent[] = []
  const { cacheOptions, d1, ...bindingOptions } = options
  const cache = createCache({
    storage: kvStorage(KV),
    prefix: `k${crypto.randomUUID().slice(0, 8)}`,
    onEvent: (event) => events.push(event),
    ...cacheOptions,
  })
  const dialect = kyselyCache(new D1Dialect({ database: d1 ?? DB }), cache, { strategy: 'all', ...bindingOptions })
  const db = new Kysely<Database>({ dialect })
  const behind = new Kysely<Database>({ dialect: new D1Dialect({ database: DB }) })
  const count = (type: CacheEvent['type']) => events.filter((event) => event.type === type).length
  return { db, behind, cache, events, count }
}

/** A promise the test opens: makes interleavings deterministic. */
export function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}
