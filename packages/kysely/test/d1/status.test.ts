// Issue 19: per-query status through Kysely on real D1 + KV: what the cache did for one query,
// with the entry's age and the tables it depends on; events name the binding, tables and statement.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { cached, cacheStatus, uncached, withStatus, type QueryStatus } from '../../src'
import { behindTheCache, setup } from './setup'

describe('withStatus (Kysely, D1)', () => {
  it('a miss, then a hit served from the cache (a change behind it is not seen), then a miss after a write', async () => {
    const { db } = await setup()
    const post = () => db.selectFrom('posts').select(['id', 'title']).where('id', '=', 1)
    const first = await withStatus(post())
    expect(first).toStrictEqual({ data: [{ id: 1, title: 'Hello' }], status: { kind: 'miss', reason: 'absent', tables: ['posts'] } })

    await behindTheCache("UPDATE posts SET title = 'behind' WHERE id = 1")
    const second = await withStatus(post())
    expect(second.data).toStrictEqual([{ id: 1, title: 'Hello' }])
    expect(second.status).toMatchObject({ kind: 'hit', tables: ['posts'] })
    expect((second.status as { ageMs: number }).ageMs).toBeGreaterThanOrEqual(0)

    await db.updateTable('posts').set({ title: 'Written' }).where('id', '=', 1).execute()
    const third = await withStatus(post())
    expect(third.data).toStrictEqual([{ id: 1, title: 'Written' }])
    // Not stored: KV takes one write per key per second, and this key was filled a moment ago.
    expect(third.status).toStrictEqual({ kind: 'miss', reason: 'invalidated', skipped: 'rate-limited', tables: ['posts'] })
  })

  it('concurrent queries each get their own status', async () => {
    const { db } = await setup()
    await db.selectFrom('users').selectAll().execute()
    const [users, postsA, postsB] = await Promise.all([
      withStatus(db.selectFrom('users').selectAll()),
      withStatus(db.selectFrom('posts').select('title').orderBy('id')),
      withStatus(db.selectFrom('posts').select('title').orderBy('id')),
    ])
    expect(users.status.kind).toBe('hit')
    expect(postsA.status.kind).toBe('miss')
    // Merged into the first lookup when it is still in flight, else served from what it stored (the
    // order depends on the Kysely version's scheduling; core's tests hold a lookup to prove `joined`).
    expect(['joined', 'hit']).toContain(postsB.status.kind)
    expect(postsB.data).toStrictEqual(postsA.data)
  })

  it('not cached, and why: explicit strategy without cached(), uncached(), a volatile read, a write', async () => {
    const explicit = await setup({ strategy: 'explicit' })
    expect((await withStatus(explicit.db.selectFrom('posts').selectAll())).status).toMatchObject({
      kind: 'uncached',
      reason: expect.stringMatching(/explicit/),
    })
    expect(
      (
        await withStatus(
          explicit.db
            .selectFrom('posts')
            .selectAll()
            .withPlugin(cached({ ttlSeconds: 60 })),
        )
      ).status.kind,
    ).toBe('miss')

    const { db } = await setup()
    expect((await withStatus(db.selectFrom('posts').selectAll().withPlugin(uncached()))).status).toMatchObject({
      kind: 'uncached',
      reason: 'uncached() was applied',
    })
    const volatile = await withStatus(db.selectFrom('posts').select(sql<string>`datetime('now')`.as('now')))
    expect(volatile.status).toMatchObject({ kind: 'uncached', reason: expect.stringMatching(/now|volatile/i) })
    const write = await withStatus(db.updateTable('posts').set({ title: 'x' }).where('id', '=', 2))
    expect(write.status).toMatchObject({ kind: 'uncached', reason: 'not a read (write)' })
  })

  it('raw SQL takes the plugin; a callback per query', async () => {
    const { db } = await setup()
    const told: QueryStatus[] = []
    const count = sql<{ n: number }>`select count(*) as n from posts`
    await count.withPlugin(cacheStatus((status) => told.push(status))).execute(db)
    await count.withPlugin(cacheStatus((status) => told.push(status))).execute(db)
    expect(told.map((status) => status.kind)).toStrictEqual(['miss', 'hit'])
    expect(told[1]?.tables).toStrictEqual(['posts'])
  })

  it('events name the binding, the tables and the statement', async () => {
    const { db, events } = await setup()
    await db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').select(['posts.title', 'users.name']).execute()
    const miss = events.find((event) => event.type === 'miss')
    expect(miss).toMatchObject({ binding: 'kysely', tables: ['posts', 'users'] })
    expect((miss as { digest: string }).digest).toMatch(/^select "posts"\."title", "users"\."name" from "posts" inner join "users"/)
  })
})
