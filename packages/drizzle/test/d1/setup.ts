import { createCache, type CacheEvent, type Storage } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { env } from 'cloudflare:workers'
import { drizzle } from 'drizzle-orm/d1'
import { drizzleCache, type DrizzleCacheOptions } from '../../src'
import { drizzleMajor } from '../drizzle-version'
import type * as relationsV1 from './relations-v1'
import * as schema from './schema'

/** Two D1 databases (miniflare) and one KV namespace. */
export const { DB, DB2, KV } = env as unknown as { DB: D1Database; DB2: D1Database; KV: KVNamespace }

export async function resetDatabase(database: D1Database = DB) {
  for (const statement of schema.DDL) await database.prepare(statement).run()
  await database.batch([
    database.prepare("INSERT INTO users (id, name) VALUES (1, 'Ada'), (2, 'Grace')"),
    database.prepare(
      "INSERT INTO posts (id, author_id, title, created_at, views) VALUES (1, 1, 'Hello', 1767225600000, 10), (2, 2, 'World', 1767312000000, 20)",
    ),
    database.prepare("INSERT INTO comments (id, post_id, body) VALUES (1, 1, 'First!')"),
  ])
}

export interface SetupOptions extends Omit<DrizzleCacheOptions, 'schema'> {
  readonly storage?: Storage
  readonly withSchema?: boolean
  /** Hands the wrapper another D1 (a `...Fault` wrapper around the real one). */
  readonly driver?: (d1: D1Database) => D1Database
}

/**
 * What drizzle() needs for `db.query` on the drizzle-orm this project pins: RQB v1's `schema` with
 * `relations()` (0.x), or RQB v2's `relations` from `defineRelations` (1.0). Typed as 0.x's: the
 * `findMany({ with, orderBy })` calls the tests make read the same on 1.0.
 */
export async function relational(): Promise<{ schema: typeof schema & typeof relationsV1 }> {
  if (drizzleMajor() < 1) return { schema: { ...schema, ...(await import('./relations-v1')) } }
  const { relations } = await import('./relations-v2')
  return { relations } as never
}

/**
 * A fresh database plus two Drizzle instances on it: `db` through the cache, and `behindTheCache`
 * straight to D1 (what the database holds; changes made through it are never seen by the cache).
 * Every call gets a database name of its own, so its catalog is read after its tables exist.
 */
export async function setup(options: SetupOptions = {}) {
  await resetDatabase()
  const events: CacheEvent[] = []
  const { storage, withSchema = true, driver = (d1) => d1, ...bindingOptions } = options
  const cache = createCache({
    storage: storage ?? kvStorage(KV),
    prefix: `d${crypto.randomUUID().slice(0, 8)}`,
    onEvent: (event) => events.push(event),
  })
  const kv = drizzleCache(cache, {
    views: { published_titles: ['posts', 'users'] },
    database: `d1-${crypto.randomUUID()}`,
    ...(withSchema ? { schema } : {}),
    ...bindingOptions,
  })
  const db = drizzle(kv.d1(driver(DB)), { ...(await relational()), cache: kv })
  const behindTheCache = drizzle(DB, await relational())
  return { db, behindTheCache, kv, cache, events }
}

/** Runs statements on the unwrapped D1 binding: changes the cache cannot see. */
export async function behind(...statements: string[]) {
  for (const statement of statements) await DB.prepare(statement).run()
}

/** A promise the test resolves: makes interleavings deterministic. */
export function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}
