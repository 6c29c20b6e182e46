// Our own take on the `Cache` contract Drizzle's integration suite exercises (explicit vs all,
// $withCache(false), tags, autoInvalidate: false, forced invalidation), run against real D1 + KV.
import { eq } from 'drizzle-orm'
import { npmVersion } from 'drizzle-orm/version'
import { describe, expect, inject, it } from 'vitest'
import { posts, users } from './schema'
import { setup } from './setup'

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

  it('a write through Drizzle invalidates (autoInvalidate defaults to true)', async () => {
    const { db } = await setup()
    const read = () => db.select().from(posts).$withCache()
    expect(titleOf(await read())).toStrictEqual(['Hello', 'World'])
    await db.insert(posts).values({ id: 3, authorId: 1, title: 'New', createdAt: new Date(0) })
    expect(titleOf(await read())).toStrictEqual(['Hello', 'World', 'New'])
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
  it('autoInvalidate: false keeps the entry through writes until its tag is invalidated', async () => {
    const { db } = await setup()
    const read = () => db.select().from(users).$withCache({ tag: 'all-users', autoInvalidate: false })
    expect((await read()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
    await db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, 1))
    expect((await read()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
    await db.$cache.invalidate({ tags: 'all-users' })
    expect((await read()).map((user) => user.name)).toStrictEqual(['Ada L.', 'Grace'])
  })

  it('two different queries with one tag never share a result', async () => {
    const { db } = await setup()
    const ada = await db.select().from(users).where(eq(users.id, 1)).$withCache({ tag: 'people' })
    const grace = await db.select().from(users).where(eq(users.id, 2)).$withCache({ tag: 'people' })
    expect(ada.map((user) => user.name)).toStrictEqual(['Ada'])
    expect(grace.map((user) => user.name)).toStrictEqual(['Grace'])
  })
})

describe('forced invalidation: db.$cache.invalidate', () => {
  it('accepts table objects and names', async () => {
    const { db, behindTheCache } = await setup()
    const readUsers = () => db.select().from(users).$withCache()
    const readPosts = () => db.select().from(posts).$withCache()
    await readUsers()
    await readPosts()
    await behindTheCache.update(users).set({ name: 'U' })
    await behindTheCache.update(posts).set({ title: 'P' })
    // A table object. (Invalidating `users` would reach `posts` too: posts cascade from users.)
    await db.$cache.invalidate({ tables: posts })
    expect(titleOf(await readPosts())).toStrictEqual(['P', 'P'])
    expect((await readUsers()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
    // A name.
    await db.$cache.invalidate({ tables: ['users'] })
    expect((await readUsers()).map((user) => user.name)).toStrictEqual(['U', 'U'])
  })
})

describe('configuration', () => {
  it('fails fast on bad options, naming them', async () => {
    const { cache } = await setup()
    const { drizzleCache } = await import('../../src')
    expect(() => drizzleCache(cache, { strategy: 'sometimes' as never })).toThrow(/`strategy`/)
    expect(() => drizzleCache(cache, { ttl: 5 } as never)).toThrow(/Unknown option `ttl`/)
    expect(() => drizzleCache(undefined as never)).toThrow(/`cache`/)
    const kv = drizzleCache(cache)
    expect(() => kv.d1(undefined as never)).toThrow(/`kv\.d1\(database\)` needs a D1 binding/)
    expect(() => kv.pg({} as never)).toThrow(/`kv\.pg\(client\)` needs a node-postgres/)
    expect(() => kv.libsql(null as never)).toThrow(/`kv\.libsql\(client\)` needs a client/)
  })
})
