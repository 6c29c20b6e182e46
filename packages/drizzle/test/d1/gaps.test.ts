// Each gap Drizzle's own cache leaves open (measured on drizzle-orm 0.45), closed: write, then read the fresh value.
import { d1CatalogFault, d1LostResponseFault, failingStorageFault } from '../fault'
import { eq, inArray, sql } from 'drizzle-orm'
import { union } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { kvStorage } from '@kvcache/storage-kv'
import { comments, posts, users } from './schema'
import { gate, KV, setup } from './setup'

const titles = (rows: { title: string }[]) => rows.map((row) => row.title)

describe('a read racing a write never caches pre-write rows', () => {
  it('read starts, write commits, read fills after: the fill is dead on arrival', async () => {
    const { db, kv } = await setup({ strategy: 'all' })
    const hold = gate()
    const loaded = gate()
    // The read's D1 query returns pre-write rows, then stalls before the cache can fill.
    const racing = kv.run({ sql: 'select "title" from "posts" order by "id"', params: [], method: 'all' }, undefined, async () => {
      const rows = await db.select({ title: posts.title }).from(posts).orderBy(posts.id).$withCache(false)
      loaded.open()
      await hold.opened
      return rows
    })
    await loaded.opened
    await db.update(posts).set({ title: 'Updated' }).where(eq(posts.id, 1))
    hold.open()
    expect(titles(await racing)).toStrictEqual(['Hello', 'World'])
    expect(titles(await db.select({ title: posts.title }).from(posts).orderBy(posts.id))).toStrictEqual(['Updated', 'World'])
  })

  it('a failed write still leaves the cache correct', async () => {
    const { db } = await setup({ strategy: 'all', driver: (d1) => d1LostResponseFault(d1, /^insert into "posts"/i) })
    const read = () => db.select().from(posts).orderBy(posts.id)
    expect(titles(await read())).toStrictEqual(['Hello', 'World'])
    // D1 applied the insert but the call failed: an error does not prove that nothing changed.
    await expect(db.insert(posts).values({ id: 3, authorId: 1, title: 'Third', createdAt: new Date(0) })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/lost/) } })
    expect(titles(await read())).toStrictEqual(['Hello', 'World', 'Third'])
  })
})

describe('every relation a read touches is found', () => {
  it('a table read only in a WHERE subquery', async () => {
    const { db } = await setup({ strategy: 'all' })
    const read = () =>
      db
        .select({ title: posts.title })
        .from(posts)
        .where(inArray(posts.authorId, db.select({ id: users.id }).from(users).where(eq(users.name, 'Grace'))))
    expect(titles(await read())).toStrictEqual(['World'])
    await db.update(users).set({ name: 'Grace' }).where(eq(users.id, 1))
    expect(titles(await read())).toStrictEqual(['Hello', 'World'])
  })

  it('the right side of a UNION', async () => {
    const { db } = await setup({ strategy: 'all' })
    const read = () => union(db.select({ name: users.name }).from(users), db.select({ name: comments.body }).from(comments))
    expect((await read()).map((row) => row.name).sort()).toStrictEqual(['Ada', 'First!', 'Grace'])
    await db.insert(comments).values({ id: 2, postId: 2, body: 'Second!' })
    expect((await read()).map((row) => row.name).sort()).toStrictEqual(['Ada', 'First!', 'Grace', 'Second!'])
  })

  it('a CTE', async () => {
    const { db } = await setup({ strategy: 'all' })
    const popular = db.$with('popular').as(db.select().from(posts).where(sql`${posts.views} > 15`))
    const read = () => db.with(popular).select({ title: popular.title }).from(popular)
    expect(titles(await read())).toStrictEqual(['World'])
    await db.update(posts).set({ views: 100 }).where(eq(posts.id, 1))
    expect(titles(await read()).sort()).toStrictEqual(['Hello', 'World'])
  })

  it('a declared view', async () => {
    const { db } = await setup({ strategy: 'all' })
    const read = () => db.all<{ title: string; author: string }>(sql`select title, author from published_titles order by id`)
    expect((await read()).map((row) => row.author)).toStrictEqual(['Ada', 'Grace'])
    await db.update(users).set({ name: 'Ada Lovelace' }).where(eq(users.id, 1))
    expect((await read()).map((row) => row.author)).toStrictEqual(['Ada Lovelace', 'Grace'])
  })

  it('an undeclared view is not cached when the catalog cannot be read (bypassed and reported)', async () => {
    const bypassed: string[] = []
    const { db, behindTheCache, events } = await setup({
      strategy: 'all',
      views: {},
      driver: d1CatalogFault,
      onBypass: ({ reason }) => bypassed.push(reason),
    })
    const read = () => db.all<{ author: string }>(sql`select author from published_titles order by id`)
    await read()
    await behindTheCache.update(users).set({ name: 'Changed' }).where(eq(users.id, 2))
    expect((await read()).map((row) => row.author)).toStrictEqual(['Ada', 'Changed'])
    expect(bypassed[0]).toMatch(/published_titles/)
    expect(events.filter((event) => event.type === 'degraded')).toHaveLength(1)
  })
})

describe('every write invalidates', () => {
  it('db.batch([...]) on D1', async () => {
    const { db } = await setup({ strategy: 'all' })
    const read = () => db.select().from(posts).orderBy(posts.id)
    await read()
    await db.batch([
      db.update(posts).set({ title: 'Batched' }).where(eq(posts.id, 2)),
      db.insert(comments).values({ id: 9, postId: 2, body: 'x' }),
    ])
    expect(titles(await read())).toStrictEqual(['Hello', 'Batched'])
  })

  it('raw SQL: db.run(sql`...`)', async () => {
    const { db } = await setup({ strategy: 'all' })
    const read = () => db.select().from(users).orderBy(users.id)
    await read()
    await db.run(sql`update users set name = 'Raw' where id = 2`)
    expect((await read()).map((user) => user.name)).toStrictEqual(['Ada', 'Raw'])
  })

  it('relational reads are cached with all their tables', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const read = () => db.query.posts.findMany({ with: { comments: true }, orderBy: (p, { asc }) => asc(p.id) })
    expect((await read()).map((post) => post.comments.length)).toStrictEqual([1, 0])
    await behindTheCache.update(posts).set({ title: 'behind' })
    expect(titles(await read())).toStrictEqual(['Hello', 'World'])
    await db.insert(comments).values({ id: 5, postId: 2, body: 'new' })
    const fresh = await read()
    expect(fresh.map((post) => post.comments.length)).toStrictEqual([1, 1])
    expect(titles(fresh)).toStrictEqual(['behind', 'behind'])
  })

  it('ON DELETE CASCADE children, derived from the schema', async () => {
    const { db } = await setup({ strategy: 'all' })
    const readComments = () => db.select().from(comments)
    expect(await readComments()).toHaveLength(1)
    await db.run(sql`PRAGMA foreign_keys = ON`)
    await db.delete(users).where(eq(users.id, 1))
    expect(await readComments()).toHaveLength(0)
  })
})

describe('cascades follow the statement', () => {
  it('an UPDATE does not reach ON DELETE CASCADE children; a DELETE does', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const readComments = () => db.select().from(comments).orderBy(comments.id)
    await readComments()
    await behindTheCache.update(comments).set({ body: 'behind' })
    await db.update(posts).set({ title: 'retitled' }).where(eq(posts.id, 1))
    expect((await readComments()).map((comment) => comment.body)).toStrictEqual(['First!'])
    await db.run(sql`PRAGMA foreign_keys = ON`)
    await db.delete(posts).where(eq(posts.id, 1))
    expect(await readComments()).toStrictEqual([])
  })
})

describe('row-level scopes', () => {
  it('an update by id refreshes that row and list reads, and leaves other rows cached', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const byId = (id: number) => db.select().from(posts).where(eq(posts.id, id))
    const list = () => db.select().from(posts).orderBy(posts.id)
    await Promise.all([byId(1), byId(2), list()])
    await behindTheCache.update(posts).set({ views: 999 }).where(eq(posts.id, 2))
    await db.update(posts).set({ title: 'One' }).where(eq(posts.id, 1))
    expect(titles(await byId(1))).toStrictEqual(['One'])
    expect(titles(await list())).toStrictEqual(['One', 'World'])
    // Row 2 was not written through Drizzle: its by-id read is still the cached one.
    expect((await byId(2))[0]?.views).toBe(20)
  })

  it('an insert refreshes a by-id read that found nothing', async () => {
    const { db } = await setup({ strategy: 'all' })
    const byId = () => db.select().from(posts).where(eq(posts.id, 7))
    expect(await byId()).toStrictEqual([])
    await db.insert(posts).values({ id: 7, authorId: 2, title: 'Seven', createdAt: new Date(0) })
    expect(titles(await byId())).toStrictEqual(['Seven'])
  })

  it('a bulk update refreshes by-id reads', async () => {
    const { db } = await setup({ strategy: 'all' })
    const byId = () => db.select().from(posts).where(eq(posts.id, 1))
    await byId()
    await db.update(posts).set({ title: 'All' })
    expect(titles(await byId())).toStrictEqual(['All'])
  })
})

describe('the cache never fails a query', () => {
  it('a failing storage: rows come from D1, errors are reported', async () => {
    const { db, events } = await setup({ strategy: 'all', storage: failingStorageFault(kvStorage(KV)) })
    expect(titles(await db.select().from(posts).orderBy(posts.id))).toStrictEqual(['Hello', 'World'])
    await db.update(posts).set({ title: 'x' }).where(eq(posts.id, 1))
    expect(titles(await db.select().from(posts).orderBy(posts.id))).toStrictEqual(['x', 'World'])
    expect(events.some((event) => event.type === 'error')).toBe(true)
  })
})

describe('values round-trip exactly', () => {
  it('a hit deep-equals a miss: Dates, buffers, raw arrays, nulls', async () => {
    const { db } = await setup({ strategy: 'all' })
    await db.update(posts).set({ cover: Buffer.from([1, 2, 3]) }).where(eq(posts.id, 1))
    const read = () => db.select().from(posts).orderBy(posts.id)
    const miss = await read()
    const hit = await read()
    expect(hit).toStrictEqual(miss)
    expect(hit[0]?.createdAt).toBeInstanceOf(Date)
    const rawMiss = await db.values(sql`select id, title, cover from posts order by id`)
    const rawHit = await db.values(sql`select id, title, cover from posts order by id`)
    expect(rawHit).toStrictEqual(rawMiss)
  })
})

describe('keys and lifetimes', () => {
  it('two databases never share entries', async () => {
    const a = await setup({ strategy: 'all', database: 'a' })
    await a.db.select().from(users)
    await a.behindTheCache.update(users).set({ name: 'Z' })
    const { drizzleCache } = await import('../../src')
    const { drizzle } = await import('drizzle-orm/d1')
    const other = drizzle(drizzleCache(a.cache, { strategy: 'all', database: 'b' }).d1((await import('./setup')).DB))
    expect((await other.select().from(users)).map((user) => user.name)).toStrictEqual(['Z', 'Z'])
  })

  it('$withCache({ config: { ex: 1 } }) on KV clamps physically, never throws, and expires after 1 s', async () => {
    const { db, behindTheCache, events } = await setup()
    const read = () => db.select().from(users).$withCache({ config: { ex: 1 } })
    expect(await read()).toHaveLength(2)
    await behindTheCache.update(users).set({ name: 'later' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await read()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
    expect(events.some((event) => event.type === 'clamp' && event.appliedSeconds === 60)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await read()).map((user) => user.name)).toStrictEqual(['later', 'later'])
  })
})

describe('writes outside Drizzle that still pass the wrapped binding', () => {
  it('D1Database.exec scripts invalidate everything', async () => {
    const { db, kv } = await setup({ strategy: 'all' })
    const read = () => db.select().from(users).orderBy(users.id)
    await read()
    const { DB } = await import('./setup')
    await kv.d1(DB).exec("UPDATE users SET name = 'Scripted' WHERE id = 1")
    expect((await read()).map((user) => user.name)).toStrictEqual(['Scripted', 'Grace'])
  })

  it('statements on a D1 session (withSession) invalidate too', async () => {
    const { db, kv } = await setup({ strategy: 'all' })
    const read = () => db.select().from(users).orderBy(users.id)
    await read()
    const { DB } = await import('./setup')
    const session = kv.d1(DB).withSession?.('first-primary')
    expect(session).toBeDefined()
    await session?.prepare("UPDATE users SET name = 'Session' WHERE id = 2").run()
    expect((await read()).map((user) => user.name)).toStrictEqual(['Ada', 'Session'])
  })
})
