import { assertKnownOptions, kvCacheError } from '@kvcache/core/binding'
import { cachedOf } from './connection'
import type { DatabaseConnectionLike } from './kysely-types'

/** What `kyselyCacheInvalidate` invalidates. */
export interface KyselyInvalidation {
  /** Tables changed outside Kysely: every read of them, by key or not, and what their foreign keys and triggers change. */
  readonly tables?: readonly string[]
  /** Tags given to reads with `cached({ tags })`. */
  readonly tags?: readonly string[]
}

/** A Kysely instance or transaction, structurally: its query executor is public API in every supported version. */
export interface KyselyLike {
  getExecutor(): { provideConnection<T>(consumer: (connection: DatabaseConnectionLike) => Promise<T>): Promise<T> }
}

const where = 'kysely'

/**
 * Invalidates what changed outside this Kysely instance (`env.DB.batch`, another service, a
 * migration): every cached read of those tables, and of the tables their foreign-key actions and
 * triggers change, as the database's catalog says. A table the database does not have fails with
 * `UNKNOWN_TABLE` naming the nearest one (after reading the catalog again once). The catalog is
 * read on a connection of `db` (the transaction's own, for a transaction).
 *
 * @example
 * await env.DB.batch([...])
 * await kyselyCacheInvalidate(db, { tables: ['posts'] })
 */
export async function kyselyCacheInvalidate(db: KyselyLike, invalidation: KyselyInvalidation): Promise<void> {
  if (typeof invalidation !== 'object' || invalidation === null) {
    throw kvCacheError('INVALID_OPTION', where, 'kyselyCacheInvalidate(db, { tables, tags }) takes an object as its second argument.')
  }
  assertKnownOptions(where, invalidation, ['tables', 'tags'])
  await db.getExecutor().provideConnection(async (connection) => {
    const cached = cachedOf(connection)
    if (!cached) {
      throw kvCacheError('INVALID_OPTION', where, 'kyselyCacheInvalidate(db, ...) needs a Kysely instance whose dialect is `kyselyCache(dialect, cache)`.')
    }
    await cached.runtime.invalidate(invalidation, { run: cached.run })
  })
}
