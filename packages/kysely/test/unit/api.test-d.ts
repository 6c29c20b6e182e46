// Type tests for the public API (checked by `tsc` in `pnpm typecheck`).
import type { Cache } from '@kvcache/core'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import { expectTypeOf } from 'vitest'
import { cached, kyselyCache, kyselyCacheInvalidate, uncached, type CachedOptions } from '../../src'
import { kyselyCache as kyselyCacheSqlite } from '../../src/sqlite'

declare const cache: Cache
declare const postgres: PostgresDialect
declare const sqlite: SqliteDialect
interface Database {
  posts: { id: number; title: string }
}

// The wrapped dialect keeps the original's type, so Kysely infers exactly as without us.
expectTypeOf(kyselyCache(postgres, cache)).toEqualTypeOf<PostgresDialect>()
expectTypeOf(kyselyCacheSqlite(sqlite, cache, { strategy: 'all', ttlSeconds: 60 })).toEqualTypeOf<SqliteDialect>()
const db = new Kysely<Database>({ dialect: kyselyCache(postgres, cache) })
// Per-query control is a plugin: the builder's result type is unchanged.
expectTypeOf(
  db
    .selectFrom('posts')
    .selectAll()
    .withPlugin(cached({ ttlSeconds: 30, tags: ['posts'] }))
    .execute(),
).toEqualTypeOf<Promise<{ id: number; title: string }[]>>()
db.selectFrom('posts').selectAll().withPlugin(uncached())
expectTypeOf<CachedOptions['ttlSeconds']>().toEqualTypeOf<number | undefined>()
// @ts-expect-error ttl is spelled ttlSeconds
cached({ ttl: 30 })

// Manual invalidation takes any Kysely instance or transaction, of every supported version.
declare const db027: import('kysely-0.27').Kysely<Database>
declare const db029: import('kysely-0.29').Kysely<Database>
declare const trx: import('kysely').Transaction<Database>
expectTypeOf(kyselyCacheInvalidate(db, { tables: ['posts'] })).toEqualTypeOf<Promise<void>>()
void kyselyCacheInvalidate(db027, { tags: ['front-page'] })
void kyselyCacheInvalidate(db029, { tables: ['posts'], tags: ['front-page'] })
void kyselyCacheInvalidate(trx, { tables: ['posts'] })
// @ts-expect-error table is spelled tables
void kyselyCacheInvalidate(db, { table: ['posts'] })
