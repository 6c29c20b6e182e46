// The field-tracking tests of every binding, on D1 and on PostgreSQL, take two shapes over one
// pair of databases (cached and unwrapped): a quiet write, after which the read is still a hit
// that serves the filled value although the database changed, with a quiet `invalidate` event per
// statement and no bump; and a loud write, which is an invalidation test (`expectFreshAfterWrite`).
import { expect } from 'vitest'
import { expectFreshAfterWrite } from './invalidation'

/** `tracked_posts` on SQLite (D1), dropped and made again with two rows: (1, 'Hello', 10) and (2, 'World', 20). */
export const TRACKED_POSTS_SQLITE: readonly string[] = [
  'DROP TABLE IF EXISTS tracked_posts',
  'CREATE TABLE tracked_posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, view_count INTEGER NOT NULL DEFAULT 0)',
  "INSERT INTO tracked_posts VALUES (1, 'Hello', 10), (2, 'World', 20)",
]

/** The fields of a cache event these checks read (`quiet` is set on a quiet `invalidate` event). */
export interface TrackedEvent {
  readonly type: string
  readonly quiet?: unknown
}

/** A database through the cache under test, the same database unwrapped, and that cache's events. */
export interface TrackedDatabases<Db> {
  readonly db: Db
  readonly plain: Db
  readonly events: readonly TrackedEvent[]
}

/** A read written once for both databases of `TrackedDatabases`. */
export type TrackedRead<Db> = (db: Db) => Promise<unknown>

export interface FieldTrackingChecks<Db> {
  /**
   * Fill, prove the read is served from the cache, run the quiet `write`: the database changed, the
   * read still serves the filled value, a hit says so, and every `invalidate` event the write caused
   * is quiet on `table` with exactly `columns` (one event per statement: a batch has several).
   */
  expectQuiet(h: TrackedDatabases<Db>, read: TrackedRead<Db>, write: () => Promise<unknown>, columns?: readonly string[]): Promise<void>
  /** The invalidation shape for a loud `write`: `read` through the cache, `read` unwrapped as the database's answer. */
  fresh(h: TrackedDatabases<Db>, read: TrackedRead<Db>, write: () => Promise<unknown>): Promise<void>
}

/**
 * The two checks over one table; `changeBehind` changes what the reads return without the cache
 * seeing it (a statement on the unwrapped driver).
 */
export function fieldTrackingChecks<Db>(options: { readonly table: string; readonly changeBehind: () => Promise<unknown> }): FieldTrackingChecks<Db> {
  const { table, changeBehind } = options
  return {
    async expectQuiet(h, read, write, columns = ['view_count']) {
      const filled = await read(h.db)
      await changeBehind()
      expect(await read(h.db), 'served from the cache').toStrictEqual(filled)
      const seen = h.events.length
      const beforeWrite = await read(h.plain)
      await write()
      const written = await read(h.plain)
      expect(written, 'the write changed the database').not.toStrictEqual(beforeWrite)
      expect(written, 'the database differs from the filled value').not.toStrictEqual(filled)
      expect(await read(h.db), 'still a hit: the quiet write bumped nothing').toStrictEqual(filled)
      const after = h.events.slice(seen)
      const invalidations = after.filter((event) => event.type === 'invalidate')
      expect(invalidations.length, 'the write is reported by a quiet invalidate event').toBeGreaterThan(0)
      for (const event of invalidations) expect(event.quiet).toStrictEqual({ table, columns })
      expect(after.filter((event) => event.type === 'hit').length, 'the read after the write is a hit').toBeGreaterThan(0)
    },
    fresh: (h, read, write) => expectFreshAfterWrite({ read: () => read(h.db), direct: () => read(h.plain), changeBehind, write }),
  }
}
