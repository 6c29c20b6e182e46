// Each gap Drizzle's own cache leaves open (measured on drizzle-orm 0.45), closed. Every
// invalidation test takes the one shape (test-support's expectFreshAfterWrite): fill, prove the
// read is served from the cache (a change behind it is not seen), write, read what D1 holds.
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { memoryStorage } from '@kvcache/core'
import { d1CatalogFault, d1LostResponseFault, failingStorageFault } from '../fault'
import { eq, inArray, sql } from 'drizzle-orm'
import { union } from 'drizzle-orm/sqlite-core'
import { describe, expect, it, vi } from 'vitest'
import { kvStorage } from '@kvcache/storage-kv'
import { comments, posts, users } from './schema'
import { behind, DB, gate, KV, setup } from './setup'

const titles = (rows: { title: string }[]) => rows.map((row) => row.title)

describe('a read racing a write never caches pre-write rows', () => {
  it('read starts, write commits, read fills after: the fill is dead on arrival', async () => {
    // Memory storage: KV takes one write per key per second, and the racing fill wrote this key just now.
    const { db, kv } = await setup({ strategy: 'all', storage: memoryStorage() })
    const hold = gate()
    const loaded = gate()
    const read = () => db.select({ title: posts.title }).from(posts).orderBy(posts.id)
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
    expect(titles(await read())).toStrictEqual(['Updated', 'World'])
    // That read was stored (caching is on): a change behind the cache is not seen.
    await behind("UPDATE posts SET title = 'behind'")
    expect(titles(await read())).toStrictEqual(['Updated', 'World'])
  })

  itInvalidates('a failed write still invalidates (D1 applied it, the response was lost)', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all', driver: (d1) => d1LostResponseFault(d1, /^insert into "posts"/i) })
    await expectFreshAfterWrite({
      read: () => db.select().from(posts).orderBy(posts.id),
      direct: () => behindTheCache.select().from(posts).orderBy(posts.id),
      changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 2"),
      write: () =>
        expect(db.insert(posts).values({ id: 3, authorId: 1, title: 'Third', createdAt: new Date(0) })).rejects.toMatchObject({
          cause: { message: expect.stringMatching(/lost/) },
        }),
    })
  })
})

describe('every relation a read touches is found', () => {
  itInvalidates('a table read only in a WHERE subquery', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const query = (on: typeof db) =>
      on
        .select({ title: posts.title })
        .from(posts)
        .where(inArray(posts.authorId, on.select({ id: users.id }).from(users).where(eq(users.name, 'Grace'))))
        .orderBy(posts.id)
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 2"),
      write: () => db.update(users).set({ name: 'Grace' }).where(eq(users.id, 1)),
    })
  })

  itInvalidates('the right side of a UNION', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const query = (on: typeof db) => union(on.select({ name: users.name }).from(users), on.select({ name: comments.body }).from(comments))
    const sorted = async (rows: Promise<{ name: string }[]>) => (await rows).map((row) => row.name).sort()
    await expectFreshAfterWrite({
      read: () => sorted(query(db)),
      direct: () => sorted(query(behindTheCache)),
      changeBehind: () => behind("UPDATE users SET name = 'Behind' WHERE id = 2"),
      write: () => db.insert(comments).values({ id: 2, postId: 2, body: 'Second!' }),
    })
  })

  itInvalidates('a CTE', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const query = (on: typeof db) => {
      const popular = on.$with('popular').as(
        on
          .select()
          .from(posts)
          .where(sql`${posts.views} > 15`),
      )
      return on.with(popular).select({ title: popular.title }).from(popular).orderBy(popular.id)
    }
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 2"),
      write: () => db.update(posts).set({ views: 100 }).where(eq(posts.id, 1)),
    })
  })

  itInvalidates('a declared view', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const query = (on: typeof db) => on.all<{ title: string; author: string }>(sql`select title, author from published_titles order by id`)
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE posts SET title = 'behind' WHERE id = 2"),
      write: () => db.update(users).set({ name: 'Ada Lovelace' }).where(eq(users.id, 1)),
    })
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
    expect(events.filter((event) => event.type === 'skip' && event.reason === 'bypass')).not.toHaveLength(0)
  })
})

describe('every write invalidates', () => {
  itInvalidates('db.batch([...]) on D1', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    await expectFreshAfterWrite({
      read: () => db.select().from(posts).orderBy(posts.id),
      direct: () => behindTheCache.select().from(posts).orderBy(posts.id),
      changeBehind: () => behind('UPDATE posts SET views = 99 WHERE id = 1'),
      write: () => db.batch([db.update(posts).set({ title: 'Batched' }).where(eq(posts.id, 2)), db.insert(comments).values({ id: 9, postId: 2, body: 'x' })]),
    })
  })

  itInvalidates('raw SQL: db.run(sql`...`)', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    await expectFreshAfterWrite({
      read: () => db.select().from(users).orderBy(users.id),
      direct: () => behindTheCache.select().from(users).orderBy(users.id),
      changeBehind: () => behind("UPDATE users SET name = 'behind' WHERE id = 1"),
      write: () => db.run(sql`update users set name = 'Raw' where id = 2`),
    })
  })

  itInvalidates('relational reads are cached with all their tables', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const query = (on: typeof db) => on.query.posts.findMany({ with: { comments: true }, orderBy: (p, { asc }) => asc(p.id) })
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE posts SET title = 'behind'"),
      write: () => db.insert(comments).values({ id: 5, postId: 2, body: 'new' }),
    })
  })

  itInvalidates('ON DELETE CASCADE children, derived from the schema', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    await expectFreshAfterWrite({
      read: () => db.select().from(comments),
      direct: () => behindTheCache.select().from(comments),
      changeBehind: () => behind("UPDATE comments SET body = 'behind'"),
      write: async () => {
        await db.run(sql`PRAGMA foreign_keys = ON`)
        await db.delete(users).where(eq(users.id, 1))
      },
    })
  })
})

describe('cascades follow the statement', () => {
  it('an UPDATE does not reach ON DELETE CASCADE children', async () => {
    const { db } = await setup({ strategy: 'all' })
    const readComments = () => db.select().from(comments).orderBy(comments.id)
    await readComments()
    await behind("UPDATE comments SET body = 'behind'")
    await db.update(posts).set({ title: 'retitled' }).where(eq(posts.id, 1))
    // Still the cached read: the update of its parent did not invalidate it.
    expect((await readComments()).map((comment) => comment.body)).toStrictEqual(['First!'])
  })

  itInvalidates('a DELETE reaches ON DELETE CASCADE children', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    await expectFreshAfterWrite({
      read: () => db.select().from(comments).orderBy(comments.id),
      direct: () => behindTheCache.select().from(comments).orderBy(comments.id),
      changeBehind: () => behind("UPDATE comments SET body = 'behind'"),
      write: async () => {
        await db.run(sql`PRAGMA foreign_keys = ON`)
        await db.delete(posts).where(eq(posts.id, 1))
      },
    })
  })
})

describe('row-level scopes', () => {
  itInvalidates('an update by id refreshes that row and list reads, and leaves other rows cached', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    const byId = (on: typeof db, id: number) => on.select().from(posts).where(eq(posts.id, id))
    const list = (on: typeof db) => on.select().from(posts).orderBy(posts.id)
    const row2 = await byId(db, 2)
    await expectFreshAfterWrite({
      read: () => Promise.all([byId(db, 1), list(db)]),
      direct: () => Promise.all([byId(behindTheCache, 1), list(behindTheCache)]),
      changeBehind: () => behind('UPDATE posts SET views = 999'),
      write: () => db.update(posts).set({ title: 'One' }).where(eq(posts.id, 1)),
    })
    // Row 2 was only changed behind the cache: its by-id read is still the cached one.
    expect(await byId(db, 2)).toStrictEqual(row2)
    expect((await byId(behindTheCache, 2))[0]?.views).toBe(999)
  })

  itInvalidates('an insert (upsert) refreshes a by-id read that found nothing', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    await expectFreshAfterWrite({
      read: () => db.select().from(posts).where(eq(posts.id, 7)),
      direct: () => behindTheCache.select().from(posts).where(eq(posts.id, 7)),
      changeBehind: () => behind("INSERT INTO posts (id, author_id, title, created_at) VALUES (7, 1, 'behind', 0)"),
      write: () =>
        db
          .insert(posts)
          .values({ id: 7, authorId: 2, title: 'Seven', createdAt: new Date(0) })
          .onConflictDoUpdate({ target: posts.id, set: { title: 'Seven' } }),
    })
  })

  itInvalidates('a bulk update refreshes by-id reads', async () => {
    const { db, behindTheCache } = await setup({ strategy: 'all' })
    await expectFreshAfterWrite({
      read: () => db.select().from(posts).where(eq(posts.id, 1)),
      direct: () => behindTheCache.select().from(posts).where(eq(posts.id, 1)),
      changeBehind: () => behind('UPDATE posts SET views = 999 WHERE id = 1'),
      write: () => db.update(posts).set({ title: 'All' }),
    })
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
    const { db, events } = await setup({ strategy: 'all' })
    await db
      .update(posts)
      .set({ cover: Buffer.from([1, 2, 3]) })
      .where(eq(posts.id, 1))
    const read = () => db.select().from(posts).orderBy(posts.id)
    const rawRead = () => db.values(sql`select id, title, cover, created_at from posts order by id`)
    const miss = await read()
    const rawMiss = await rawRead()
    // The next reads are hits: what changed behind the cache is not seen.
    await behind("UPDATE posts SET title = 'behind', cover = NULL")
    const hits = events.filter((event) => event.type === 'hit').length
    const hit = await read()
    const rawHit = await rawRead()
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(hits + 2)
    expect(hit).toStrictEqual(miss)
    expect(hit[0]?.createdAt).toBeInstanceOf(Date)
    expect(hit[0]?.cover).toBeInstanceOf(Buffer)
    expect(hit[1]?.cover).toBeNull()
    expect(rawHit).toStrictEqual(rawMiss)
  })
})

describe('lifetimes', () => {
  it('$withCache({ config: { ex: 1 } }) on KV clamps physically, never throws, and expires after 1 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const { db, events } = await setup()
      const read = () =>
        db
          .select()
          .from(users)
          .orderBy(users.id)
          .$withCache({ config: { ex: 1 } })
      expect(await read()).toHaveLength(2)
      await behind("UPDATE users SET name = 'later'")
      // The fill waits for Drizzle's put (the lifetime): let it land before reading again.
      await vi.waitFor(() => expect(events.some((event) => event.type === 'fill')).toBe(true))
      expect((await read()).map((user) => user.name)).toStrictEqual(['Ada', 'Grace'])
      expect(events.some((event) => event.type === 'clamp' && event.appliedSeconds === 60)).toBe(true)
      vi.setSystemTime(Date.now() + 1_100)
      expect((await read()).map((user) => user.name)).toStrictEqual(['later', 'later'])
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('writes outside Drizzle that still pass the wrapped binding', () => {
  itInvalidates('D1Database.exec scripts invalidate everything', async () => {
    const { db, behindTheCache, kv } = await setup({ strategy: 'all' })
    await expectFreshAfterWrite({
      read: () => db.select().from(users).orderBy(users.id),
      direct: () => behindTheCache.select().from(users).orderBy(users.id),
      changeBehind: () => behind("UPDATE users SET name = 'behind' WHERE id = 2"),
      write: () => kv.d1(DB).exec("UPDATE users SET name = 'Scripted' WHERE id = 1"),
    })
  })

  itInvalidates('statements on a D1 session (withSession) invalidate too', async () => {
    const { db, behindTheCache, kv } = await setup({ strategy: 'all' })
    const session = kv.d1(DB).withSession?.('first-primary')
    expect(session).toBeDefined()
    await expectFreshAfterWrite({
      read: () => db.select().from(users).orderBy(users.id),
      direct: () => behindTheCache.select().from(users).orderBy(users.id),
      changeBehind: () => behind("UPDATE users SET name = 'behind' WHERE id = 1"),
      write: () => (session as D1DatabaseSession).prepare("UPDATE users SET name = 'Session' WHERE id = 2").run(),
    })
  })
})
