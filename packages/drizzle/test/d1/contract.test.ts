// Our own take on the `Cache` contract Drizzle's integration suite exercises (explicit vs all,
// $withCache(false), tags, autoInvalidate: false, forced invalidation), run against real D1 + KV.
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { eq } from 'drizzle-orm'
import { npmVersion } from 'drizzle-orm/version'
import { describe, expect, inject, it } from 'vitest'
import { posts, users } from './schema'
import { behind, setup } from './setup'

const titleOf = (rows: { title: string }[]) => rows.map((row) => row.title)

it('runs on the drizzle-orm version this project pins', () => {
  expect(npmVersion).toBe(inject('drizzleVersion'))
})

describe('strategy: explicit (default)', () => {
  it('caches only reads marked with $withCache()', async () => {
    const { db, behindTheCache } = await setup()
    const marked = () => db.select().from(posts).where(eq(posts.views, 10)).$withCache()
    const unmarked = () => db.select().from(posts).where(eq(posts.views, 20))
    expect(titleOf(await marked())).toStrictEqual(['Hello'])
    expect(titleOf(await unmarked())).toStrictEqual(['World'])
    await behindTheCache.update(posts).set({ title: 'changed' })
    expect(titleOf(await marked())).toStrictEqual(['Hello'])
    expect(titleOf(await unmarked())).toStrictEqual(['changed'])
  })

  it('$withCache(false) is never cached', async () => {
    const { db, behindTheCache } = await setup()
    const read = () => db.select().from(users).$withCache(false)
    await read()
    await behindTheCache.update(users).set({ name: 'Changed' }).where(eq(users.id, 1))
    expect((await read()).map((user) => user.name)).toStrictEqual(['Changed', 'Grace'])
  })

  itInvalidates('a write through Drizzle invalidates (autoInvalidate defaults to true)', async () => {
    const { db, behindTheCache } = await setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(posts).orderBy(posts.id).$withCache(),
      direct: () => behindTheCache.select().from(posts).orderBy(posts.id),
      changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 2"),
      write: () => db.insert(posts).values({ id: 3, authorId: 1, title: 'New', createdAt: new Date(0) }),
    })
  })
})

describe('strategy: all', () => {
  it('caches every read, including relational and raw ones', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const builder = () => db.select().from(users)
    const relational = () => db.query.users.findMany()
    const raw = () => db.all<{ name: string }>('select name from users order by id')
    await Promise.all([builder(), relational(), raw()])
    await behindTheCache.update(users).set({ name: 'Changed' })
    expect((await builder()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
    expect((await relational()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
    expect((await raw()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
  })
})

describe('tags', () => {
  itInvalidates('autoInvalidate: false keeps the entry through writes until its tag is invalidated', async () => {
    const { db, behindTheCache } = await setup()
    const read = () => db.select().from(users).orderBy(users.id).$withCache({ tag: 'all-users', autoInvalidate: false })
    await expectFreshAfterWrite({
      read,
      direct: () => behindTheCache.select().from(users).orderBy(users.id),
      changeBehind: () => behind("UPDATE users SET name = 'behind' WHERE id = 2"),
      write: async () => {
        const cached = await read()
        await db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1))
        // Writes to its table do not reach it...
        expect(await read()).toStrictEqual(cached)
        // ...its tag does.
        await db.$cache.invalidate({ tags: 'all-users' })
      },
    })
  })

  it('two different queries with one tag never share a result', async () => {
    const { db } = await setup()
    const ada = () => db.select().from(users).where(eq(users.id, 1)).$withCache({ tag: 'people' })
    const grace = () => db.select().from(users).where(eq(users.id, 2)).$withCache({ tag: 'people' })
    expect((await ada()).map((user) => user.name)).toStrictEqual(['Ada'])
    expect((await grace()).map((user) => user.name)).toStrictEqual(['Grace'])
    // Both are cached (a change behind the cache is not seen), each under its own key.
    await behind("UPDATE users SET name = 'behind'")
    expect((await ada()).map((user) => user.name)).toStrictEqual(['Ada'])
    expect((await grace()).map((user) => user.name)).toStrictEqual(['Grace'])
  })
})

describe('forced invalidation: db.$cache.invalidate', () => {
  itInvalidates('accepts table objects', async () => {
    const { db, behindTheCache } = await setup()
    const readUsers = () => db.select().from(users).orderBy(users.id).$withCache()
    await readUsers()
    await expectFreshAfterWrite({
      read: () => db.select().from(posts).orderBy(posts.id).$withCache(),
      direct: () => behindTheCache.select().from(posts).orderBy(posts.id),
      changeBehind: () => behind("UPDATE posts SET title = 'behind'", "UPDATE users SET name = 'behind'"),
      // (Invalidating `users` would reach `posts` too: posts cascade from users.)
      write: () => db.$cache.invalidate({ tables: posts }),
    })
    expect((await readUsers()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
  })

  itInvalidates('accepts names', async () => {
    const { db, behindTheCache } = await setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(users).orderBy(users.id).$withCache(),
      direct: () => behindTheCache.select().from(users).orderBy(users.id),
      changeBehind: () => behind("UPDATE users SET name = 'behind'"),
      write: () => db.$cache.invalidate({ tables: ['users'] }),
    })
  })
})

describe('configuration', () => {
  it('fails fast on bad options, naming them', async () => {
    const { cache } = await setup()
    const { drizzleCache } = await import('../../src')
    expect(() => drizzleCache(cache, { strategy: 'sometimes' as never })).toThrow(/`strategy`/)
    expect(() => drizzleCache(cache, { ttl: 5 } as never)).toThrow(/Unknown option `ttl`. Did you mean `ttlSeconds`\?/)
    expect(() => drizzleCache(undefined as never)).toThrow(/Missing the cache/)
    const kv = drizzleCache(cache)
    expect(() => kv.d1(undefined as never)).toThrow(/`kv\.d1\(database\)` needs a D1 binding/)
    expect(() => kv.pg({} as never)).toThrow(/`kv\.pg\(client\)` needs a node-postgres/)
    expect(() => kv.libsql(null as never)).toThrow(/`kv\.libsql\(client\)` needs a client/)
  })
})
