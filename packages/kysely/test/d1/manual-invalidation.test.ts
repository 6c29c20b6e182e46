// Writes Kysely never sees (`env.DB.batch`, another service, the D1 console) are announced by hand:
// core's `cache.invalidate({ tables })`, or `kyselyCacheInvalidate(db, ...)`, which also follows the
// database's foreign keys and triggers and refuses a table the database does not have.
import { isKvCacheError } from '@kvcache/core'
import { cached, kyselyCacheInvalidate } from '@kvcache/kysely'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Database } from './schema'
import { behindTheCache, DB, setup } from './setup'

type Db = Kysely<Database>

/** A write outside Kysely: one statement in a D1 batch. */
const batch = (statement: string) => DB.batch([DB.prepare(statement)])

interface ByKey {
  readonly key: string
  readonly table: string
  readonly read: (on: Db) => Promise<unknown>
  /** A change behind the cache to the row read. */
  readonly behind: string
  /** The write outside Kysely. */
  readonly outside: string
}

/** By-key reads of each kind of primary key, a change behind each, and a write outside Kysely. */
const BY_KEY: readonly ByKey[] = [
  {
    key: 'an integer key',
    table: 'posts',
    read: (on: Db) => on.selectFrom('posts').select('title').where('id', '=', 1).execute(),
    behind: "update posts set title = 'behind' where id = 1",
    outside: "update posts set title = 'batch' where id = 1",
  },
  {
    key: 'a text key that looks like a number',
    table: 'tags',
    read: (on: Db) => on.selectFrom('tags').select('label').where('code', '=', '123').execute(),
    behind: "update tags set label = 'behind' where code = '123'",
    outside: "update tags set label = 'batch' where code = '123'",
  },
  {
    key: 'a composite key',
    table: 'post_tags',
    read: (on: Db) => on.selectFrom('post_tags').select('note').where('post_id', '=', 1).where('tag_code', '=', 'news').execute(),
    behind: "update post_tags set note = 'behind' where post_id = 1 and tag_code = 'news'",
    outside: "update post_tags set note = 'batch' where post_id = 1 and tag_code = 'news'",
  },
]

describe("core's cache.invalidate({ tables }) reaches reads of those tables by key", () => {
  for (const { key, table, read, behind, outside } of BY_KEY) {
    itInvalidates(`${key}: a write outside Kysely, then cache.invalidate({ tables: ['${table}'] })`, async () => {
      const { db, behind: plain, cache } = await setup()
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(plain),
        changeBehind: () => behindTheCache(behind),
        write: async () => {
          await batch(outside)
          await cache.invalidate({ tables: [table] })
        },
      })
    })
  }
})

describe('kyselyCacheInvalidate(db, { tables, tags })', () => {
  for (const { key, table, read, behind, outside } of BY_KEY) {
    itInvalidates(`${key}: reaches the by-key read`, async () => {
      const { db, behind: plain } = await setup()
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(plain),
        changeBehind: () => behindTheCache(behind),
        write: async () => {
          await batch(outside)
          await kyselyCacheInvalidate(db, { tables: [table] })
        },
      })
    })
  }

  itInvalidates("follows the database's foreign keys: a user deleted outside Kysely reaches the cascaded comments", async () => {
    const { db, behind } = await setup()
    const read = (on: Db) => on.selectFrom('comments').select('body').orderBy('id').execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache("insert into comments (id, post_id, body) values (2, 2, 'behind')"),
      write: async () => {
        await batch('delete from users where id = 1')
        await kyselyCacheInvalidate(db, { tables: ['users'] })
      },
    })
    expect(await read(db)).toStrictEqual([{ body: 'behind' }])
  })

  itInvalidates('drops reads by tag', async () => {
    const { db, behind } = await setup({ strategy: 'explicit' })
    const read = (on: Db) =>
      on
        .selectFrom('users')
        .select('name')
        .orderBy('id')
        .withPlugin(cached({ tags: ['people'] }))
        .execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache("update users set name = 'behind' where id = 1"),
      write: () => kyselyCacheInvalidate(db, { tags: ['people'] }),
    })
  })

  it('a table the database does not have fails with UNKNOWN_TABLE naming the nearest, and invalidates nothing', async () => {
    const { db, events } = await setup()
    await db.selectFrom('posts').selectAll().execute()
    const error = await kyselyCacheInvalidate(db, { tables: ['post'] }).catch((caught: unknown) => caught)
    expect(isKvCacheError(error, 'UNKNOWN_TABLE')).toBe(true)
    expect((error as Error).message).toContain('Did you mean `posts`?')
    expect(events.filter((event) => event.type === 'invalidate')).toStrictEqual([])
  })

  it('a misspelled option fails naming the right one; a Kysely instance without kyselyCache is refused', async () => {
    const { db, behind } = await setup()
    const misspelled = await kyselyCacheInvalidate(db, { table: ['posts'] } as never).catch((caught: unknown) => caught)
    expect(isKvCacheError(misspelled, 'UNKNOWN_OPTION')).toBe(true)
    expect((misspelled as Error).message).toContain('Did you mean `tables`?')
    const plain = await kyselyCacheInvalidate(behind, { tables: ['posts'] }).catch((caught: unknown) => caught)
    expect(isKvCacheError(plain, 'INVALID_OPTION')).toBe(true)
    expect((plain as Error).message).toContain('kyselyCache(dialect, cache)')
  })
})
