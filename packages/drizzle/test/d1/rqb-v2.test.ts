// Relational queries v2 (drizzle-orm 1.0: `defineRelations`, `db.query.<table>.findMany / findFirst`)
// on real D1 + KV. Only the 1.0 projects run this file (vitest.config.ts): it is typed by the
// `drizzle-orm-1` alias, which is the drizzle-orm those projects load.
import { createCache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { getTableConfig as configOf0x } from 'drizzle-orm/sqlite-core'
import { eq } from 'drizzle-orm-1'
import type { Cache } from 'drizzle-orm-1/cache/core'
import { drizzle } from 'drizzle-orm-1/d1'
import { getTableConfig } from 'drizzle-orm-1/sqlite-core'
import { describe, expect, it } from 'vitest'
import { drizzleCache, type DrizzleCacheOptions } from '../../src'
import { comments, posts, relations, users } from './relations-v2'
import * as schema from './schema'
import { behind, DB, KV, resetDatabase } from './setup'

// Our types extend the `Cache` of the drizzle-orm that `tsc` resolves, 0.x here; in an app on 1.0 that is 1.0's.
const asCache = (kv: object) => kv as Cache

async function setup(options: DrizzleCacheOptions = {}) {
  await resetDatabase()
  const cache = createCache({ storage: kvStorage(KV), prefix: `r${crypto.randomUUID().slice(0, 8)}` })
  // A 1.0 schema module exports its relations beside its tables: the binding reads the tables.
  const kv = drizzleCache(cache, { schema: { users, posts, comments, relations }, database: `d1-${crypto.randomUUID()}`, ...options })
  return { db: drizzle(kv.d1(DB), { relations, cache: asCache(kv) }), behindTheCache: drizzle(DB, { relations }) }
}

it('relations-v2.ts declares the tables of schema.ts', () => {
  const columns = (config: { columns: { name: string; notNull: boolean; primary: boolean; getSQLType(): string }[] }) =>
    config.columns.map((column) => [column.name, column.getSQLType(), column.notNull, column.primary])
  expect(columns(getTableConfig(users))).toStrictEqual(columns(configOf0x(schema.users)))
  expect(columns(getTableConfig(posts))).toStrictEqual(columns(configOf0x(schema.posts)))
  expect(columns(getTableConfig(comments))).toStrictEqual(columns(configOf0x(schema.comments)))
})

describe('RQB v2 (drizzle-orm 1.0)', () => {
  itInvalidates("strategy 'all': findMany with a nested relation is cached, and a write to the child table refreshes it", async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const query = (on: typeof db) => on.query.users.findMany({ with: { posts: { orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } })
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 1"),
      write: () => db.insert(posts).values({ id: 3, authorId: 2, title: 'New', createdAt: new Date(0) }),
    })
  })

  itInvalidates("strategy 'explicit': findFirst with `withCache: true` is cached, and an update of a child row refreshes it", async () => {
    const { db, behindTheCache } = await setup()
    const query = (on: typeof db) => on.query.users.findFirst({ where: { id: 1 }, with: { posts: true }, withCache: true })
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE users SET name = 'behind' WHERE id = 1"),
      write: () => db.update(posts).set({ title: 'written' }).where(eq(posts.id, 1)),
    })
  })

  it("strategy 'explicit': a read without `withCache: true` is not cached", async () => {
    const { db } = await setup()
    const read = () => db.query.users.findFirst({ where: { id: 1 }, with: { posts: true } })
    expect((await read())?.posts.map((post) => post.title)).toStrictEqual(['Hello'])
    await behind("UPDATE posts SET title = 'behind' WHERE id = 1")
    expect((await read())?.posts.map((post) => post.title)).toStrictEqual(['behind'])
  })
})
