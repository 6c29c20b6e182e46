// Field-aware invalidation (`fieldTracking`) on real D1 + KV: an update that assigns only quiet
// columns bumps nothing (the next read is still a hit, serving the pre-update value, and an
// `invalidate` event with `quiet` says so); every other write invalidates as before.
import { createCache, isKvCacheError, type CacheEvent } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { fieldTrackingChecks, TRACKED_POSTS_SQLITE } from '@kvcache/test-support/field-tracking'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { thrown } from '@kvcache/test-support/thrown'
import { eq, sql } from 'drizzle-orm'
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { beforeEach, describe, expect, it } from 'vitest'
import { drizzleCache, type DrizzleCacheOptions } from '../../src'
import readme from '../../README.md?raw'
import exampleSource from './readme-field-tracking.ts?raw'
import { database } from './readme-field-tracking'
import { posts } from './schema'
import { behind, DB, KV, resetDatabase } from './setup'

// posts(id, title, view_count): the SQL column `view_count` is the schema's `viewCount`.
const trackedPosts = sqliteTable('tracked_posts', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  viewCount: integer('view_count').notNull().default(0),
})
const schema = { trackedPosts }

beforeEach(async () => {
  for (const statement of TRACKED_POSTS_SQLITE) await DB.prepare(statement).run()
})

const QUIET_VIEW_COUNT: DrizzleCacheOptions['fieldTracking'] = { trackedPosts: { neverInvalidateOn: ['viewCount'] } }
// Everything but the title is quiet, in SQL names.
const ONLY_TITLE: DrizzleCacheOptions['fieldTracking'] = { tracked_posts: { neverInvalidateOn: '*', alwaysInvalidateOn: ['title'] } }

function setup(fieldTracking: DrizzleCacheOptions['fieldTracking'] = QUIET_VIEW_COUNT) {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: kvStorage(KV), prefix: `ft${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event) })
  const kv = drizzleCache(cache, { strategy: 'all', schema, database: `d1-${crypto.randomUUID()}`, fieldTracking })
  return { db: drizzle(kv.d1(DB), { schema, cache: kv }), plain: drizzle(DB, { schema }), events }
}

type Db = DrizzleD1Database<typeof schema>

// The two reads every case runs against: a table read, and a row read by primary key.
const READS: Record<string, (db: Db) => Promise<unknown>> = {
  'a table read': (db) => db.select({ title: trackedPosts.title, viewCount: trackedPosts.viewCount }).from(trackedPosts).orderBy(trackedPosts.id),
  'a row read by id': (db) => db.select({ title: trackedPosts.title, viewCount: trackedPosts.viewCount }).from(trackedPosts).where(eq(trackedPosts.id, 1)),
}

// A quiet write: still a hit, quiet events, no bump; a loud one: fresh after the write.
const { expectQuiet, fresh } = fieldTrackingChecks<Db>({
  table: 'tracked_posts',
  changeBehind: () => behind("UPDATE tracked_posts SET title = 'behind' WHERE id = 1"),
})

for (const [readName, read] of Object.entries(READS)) {
  describe(`fieldTracking, ${readName}`, () => {
    it('a builder update of only view_count is quiet: the next read is still a hit', async () => {
      const h = setup()
      await expectQuiet(
        h,
        read,
        () =>
          h.db
            .update(trackedPosts)
            .set({ viewCount: sql`${trackedPosts.viewCount} + 1` })
            .where(eq(trackedPosts.id, 1)),
        ['view_count'],
      )
    })

    it('raw SQL updating only view_count is quiet too', async () => {
      const h = setup()
      await expectQuiet(h, read, () => h.db.run(sql`UPDATE "tracked_posts" SET "view_count" = "view_count" + ${1} WHERE "id" = ${1}`), ['view_count'])
    })

    it('a batch of quiet updates is quiet', async () => {
      const h = setup()
      await expectQuiet(
        h,
        read,
        () => h.db.batch([h.db.update(trackedPosts).set({ viewCount: 0 }).where(eq(trackedPosts.id, 1)), h.db.update(trackedPosts).set({ viewCount: 5 })]),
        ['view_count'],
      )
    })

    itInvalidates('a builder update of title invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.update(trackedPosts).set({ title: 'Retitled' }).where(eq(trackedPosts.id, 1)))
    })

    itInvalidates('a builder update of title and view_count together invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.update(trackedPosts).set({ title: 'Retitled', viewCount: 0 }).where(eq(trackedPosts.id, 1)))
    })

    itInvalidates('raw SQL updating title invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.run(sql`update tracked_posts set title = ${'Raw'} where id = ${1}`))
    })

    itInvalidates('raw SQL updating title and view_count invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.run(sql`update tracked_posts set view_count = 0, title = 'Raw' where id = 1`))
    })

    itInvalidates('a batch with one loud update invalidates', async () => {
      const h = setup()
      await fresh(h, read, () =>
        h.db.batch([h.db.update(trackedPosts).set({ viewCount: 0 }), h.db.update(trackedPosts).set({ title: 'Batched' }).where(eq(trackedPosts.id, 1))]),
      )
    })

    it("neverInvalidateOn: '*' with alwaysInvalidateOn: ['title']: a view_count update is quiet", async () => {
      const h = setup(ONLY_TITLE)
      await expectQuiet(h, read, () => h.db.update(trackedPosts).set({ viewCount: 99 }), ['view_count'])
    })

    itInvalidates("neverInvalidateOn: '*' with alwaysInvalidateOn: ['title']: a title update invalidates", async () => {
      const h = setup(ONLY_TITLE)
      await fresh(h, read, () => h.db.update(trackedPosts).set({ title: 'Only this' }).where(eq(trackedPosts.id, 1)))
    })

    itInvalidates("neverInvalidateOn: '*': an upsert (INSERT ... ON CONFLICT DO UPDATE of view_count) still invalidates", async () => {
      const h = setup(ONLY_TITLE)
      await fresh(h, read, () =>
        h.db
          .insert(trackedPosts)
          .values({ id: 1, title: 'Inserted', viewCount: 1 })
          .onConflictDoUpdate({ target: trackedPosts.id, set: { viewCount: 1 } }),
      )
    })

    itInvalidates("neverInvalidateOn: '*': a DELETE still invalidates", async () => {
      const h = setup(ONLY_TITLE)
      await fresh(h, read, () => h.db.delete(trackedPosts).where(eq(trackedPosts.id, 1)))
    })
  })
}

itInvalidates("neverInvalidateOn: '*': a plain INSERT still invalidates a table read", async () => {
  const h = setup(ONLY_TITLE)
  await fresh(h, READS['a table read'] as (db: Db) => Promise<unknown>, () => h.db.insert(trackedPosts).values({ id: 3, title: 'New', viewCount: 0 }))
})

it('columns declared without a name follow drizzle({ casing }): declared by property or by the cased SQL name, the update is quiet', async () => {
  const cased = sqliteTable('tracked_posts', { id: integer().primaryKey(), title: text().notNull(), viewCount: integer().notNull() })
  for (const declared of ['viewCount', 'view_count']) {
    const events: CacheEvent[] = []
    const cache = createCache({ storage: kvStorage(KV), prefix: `ftc${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event) })
    const kv = drizzleCache(cache, {
      strategy: 'all',
      schema: { cased },
      database: `d1-${crypto.randomUUID()}`,
      fieldTracking: { cased: { neverInvalidateOn: [declared] } },
    })
    const db = drizzle(kv.d1(DB), { cache: kv, casing: 'snake_case' })
    const read = () => db.select().from(cased).orderBy(cased.id)
    const filled = await read()
    // The statement as `casing: 'snake_case'` spells it (drizzle-orm 1.0.0-rc.5's update builder does not apply casing to SET).
    await db.run(sql`update tracked_posts set view_count = 77`)
    expect(await read(), declared).toStrictEqual(filled)
    expect(
      events.filter((event) => event.type === 'invalidate').map((event) => event.quiet),
      declared,
    ).toStrictEqual([{ table: 'tracked_posts', columns: ['view_count'] }])
  }
})

describe('fieldTracking validation', () => {
  const make =
    (fieldTracking: unknown, withSchema = true) =>
    () =>
      drizzleCache(createCache({ storage: kvStorage(KV) }), { ...(withSchema ? { schema } : {}), fieldTracking: fieldTracking as never })
  it('bad shapes fail at construction, naming the option', () => {
    expect(thrown(make(['tracked_posts'])).message).toContain('Option `fieldTracking` must be an object')
    expect(thrown(make({ tracked_posts: { neverInvalidateOn: 'view_count' } })).message).toContain('`fieldTracking.tracked_posts.neverInvalidateOn`')
    expect(thrown(make({ tracked_posts: { neverInvalidateOn: ['view_count'], alwaysInvalidateOn: 'title' } })).message).toContain(
      '`fieldTracking.tracked_posts.alwaysInvalidateOn`',
    )
  })

  it('with a schema, an unknown table or column fails fast naming the nearest (SQL names and schema properties both known)', () => {
    const table = thrown(make({ trackedPost: { neverInvalidateOn: '*' } }))
    expect(isKvCacheError(table, 'INVALID_OPTION')).toBe(true)
    expect(table.message).toContain('Did you mean `trackedPosts`?')
    const column = thrown(make({ tracked_posts: { neverInvalidateOn: ['viewCont'] } }))
    expect(column.message).toContain('names column `viewCont`, which `tracked_posts` does not have. Did you mean `viewCount`?')
    expect(thrown(make({ trackedPosts: { neverInvalidateOn: '*', alwaysInvalidateOn: ['titel'] } })).message).toContain('Did you mean `title`?')
    expect(make({ tracked_posts: { neverInvalidateOn: ['view_count', 'viewCount'] } })).not.toThrow()
    // Without a schema nothing can be checked: names are taken as SQL names.
    expect(make({ anything: { neverInvalidateOn: ['at_all'] } }, false)).not.toThrow()
  })
})

describe('the README section', () => {
  it('shows exactly the example this test runs', () => {
    expect(readme).toContain(exampleSource.trim())
  })

  it('its view counter is quiet, a new title is not', async () => {
    await resetDatabase()
    const events: CacheEvent[] = []
    const db = database(createCache({ storage: kvStorage(KV), prefix: `ftr${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event) }), {
      DB,
    })
    const titles = () => db.select({ title: posts.title, views: posts.views }).from(posts).orderBy(posts.id)
    const filled = await titles()
    await db
      .update(posts)
      .set({ views: sql`${posts.views} + 1` })
      .where(eq(posts.id, 1))
    expect(await titles()).toStrictEqual(filled)
    expect(events.some((event) => event.type === 'invalidate' && event.quiet?.table === 'posts')).toBe(true)
    await db.update(posts).set({ title: 'Retitled' }).where(eq(posts.id, 1))
    expect((await titles())[0]).toStrictEqual({ title: 'Retitled', views: 11 })
  })
})
