// Issue 19: per-query status through Drizzle on real D1 + KV: what the cache did for one query,
// with the entry's age and the tables it depends on; events name the binding, tables and statement.
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { posts, users } from './schema'
import { behind, setup } from './setup'

describe('kv.withStatus (Drizzle, D1)', () => {
  it('a miss, then a hit served from the cache (a change behind it is not seen), then a miss after a write', async () => {
    const { db, kv } = await setup({ strategy: 'all' })
    const post = () => db.select({ id: posts.id, title: posts.title }).from(posts).where(eq(posts.id, 1))
    expect(await kv.withStatus(post())).toStrictEqual({ data: [{ id: 1, title: 'Hello' }], status: { kind: 'miss', reason: 'absent', tables: ['posts'] } })

    await behind("UPDATE posts SET title = 'behind' WHERE id = 1")
    const second = await kv.withStatus(post())
    expect(second.data).toStrictEqual([{ id: 1, title: 'Hello' }])
    expect(second.status).toMatchObject({ kind: 'hit', tables: ['posts'] })

    await db.update(posts).set({ title: 'Written' }).where(eq(posts.id, 1))
    const third = await kv.withStatus(post())
    expect(third.data).toStrictEqual([{ id: 1, title: 'Written' }])
    expect(third.status).toMatchObject({ kind: 'miss', reason: 'invalidated', tables: ['posts'] })
  })

  it('concurrent queries each get their own status', async () => {
    const { db, kv } = await setup({ strategy: 'all' })
    await db.select().from(users)
    const [usersRead, postsRead] = await Promise.all([kv.withStatus(db.select().from(users)), kv.withStatus(db.select().from(posts).orderBy(posts.id))])
    expect(usersRead.status.kind).toBe('hit')
    expect(postsRead.status).toMatchObject({ kind: 'miss', tables: ['posts'] })
  })

  it('$withCache reads with strategy explicit; not cached, and why, for the others', async () => {
    const { db, kv, cache } = await setup({ strategy: 'explicit' })
    expect((await kv.withStatus(db.select().from(posts))).status).toMatchObject({ kind: 'uncached', reason: expect.stringMatching(/explicit/) })
    expect((await kv.withStatus(db.select().from(posts).$withCache())).status.kind).toBe('miss')
    // `$withCache` hands its lifetime over after the read: the entry is stored in the background.
    await cache.flush()
    expect((await kv.withStatus(db.select().from(posts).$withCache())).status.kind).toBe('hit')

    const all = await setup({ strategy: 'all' })
    const volatile = await all.kv.withStatus(all.db.select({ now: sql<string>`datetime('now')` }).from(posts))
    expect(volatile.status).toMatchObject({ kind: 'uncached', reason: expect.stringMatching(/now|volatile/i) })
    const write = await all.kv.withStatus(all.db.update(posts).set({ title: 'x' }).where(eq(posts.id, 2)))
    expect(write.status).toMatchObject({ kind: 'uncached', reason: expect.stringMatching(/^not a read/) })
  })

  it('relational queries too', async () => {
    const { db, kv } = await setup({ strategy: 'all' })
    const read = () => db.query.users.findMany({ with: { posts: true } })
    expect((await kv.withStatus(read())).status).toMatchObject({ kind: 'miss' })
    const hit = await kv.withStatus(read())
    expect(hit.status.kind).toBe('hit')
    expect([...hit.status.tables].sort()).toStrictEqual(['posts', 'users'])
  })

  it('events name the binding, the tables and the statement', async () => {
    const { db, events } = await setup({ strategy: 'all' })
    await db.select({ title: posts.title, name: users.name }).from(posts).innerJoin(users, eq(users.id, posts.authorId))
    const miss = events.find((event) => event.type === 'miss')
    expect(miss).toMatchObject({ binding: 'drizzle', tables: ['posts', 'users'] })
    expect((miss as { digest: string }).digest).toMatch(/^select "posts"\."title", "users"\."name" from "posts" inner join "users"/)
  })

  it('a query whose SQL cannot be shown still runs, and says it was not seen', async () => {
    const { db, kv } = await setup({ strategy: 'all' })
    const query = db.select().from(posts).where(eq(posts.id, 1))
    const opaque = Object.assign(query, {
      toSQL: () => {
        throw new Error('no SQL here')
      },
    })
    const { data, status } = await kv.withStatus(opaque)
    expect(data).toStrictEqual(await db.select().from(posts).where(eq(posts.id, 1)))
    expect(status).toMatchObject({ kind: 'uncached', reason: expect.stringContaining('no SQL here') })
  })
})
