// Field-aware invalidation (`fieldTracking`) on real D1 + KV through Kysely: an update that assigns
// only quiet columns bumps nothing (the next read is still a hit, serving the pre-update value, and
// an `invalidate` event with `quiet` says so); every other write invalidates as before.
import { createCache, isKvCacheError, type CacheEvent } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { fieldTrackingChecks, TRACKED_POSTS_SQLITE } from '@kvcache/test-support/field-tracking'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { thrown } from '@kvcache/test-support/thrown'
import { Kysely, sql } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { beforeEach, describe, expect, it } from 'vitest'
import { kyselyCache, type KyselyCacheOptions } from '../../src'
import readme from '../../README.md?raw'
import exampleSource from './readme-field-tracking.ts?raw'
import { countView, countViewRaw, database } from './readme-field-tracking'
import { DB, KV, resetDatabase } from './setup'

interface Tracked {
  tracked_posts: { id: number; title: string; view_count: number }
}

beforeEach(async () => {
  for (const statement of TRACKED_POSTS_SQLITE) await DB.prepare(statement).run()
})

const QUIET_VIEW_COUNT: KyselyCacheOptions['fieldTracking'] = { tracked_posts: { neverInvalidateOn: ['view_count'] } }
const ONLY_TITLE: KyselyCacheOptions['fieldTracking'] = { tracked_posts: { neverInvalidateOn: '*', alwaysInvalidateOn: ['title'] } }

function setup(fieldTracking: KyselyCacheOptions['fieldTracking'] = QUIET_VIEW_COUNT) {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: kvStorage(KV), prefix: `kft${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event) })
  const dialect = kyselyCache(new D1Dialect({ database: DB }), cache, { strategy: 'all', database: `d1-${crypto.randomUUID()}`, fieldTracking })
  return { db: new Kysely<Tracked>({ dialect }), plain: new Kysely<Tracked>({ dialect: new D1Dialect({ database: DB }) }), events }
}

type Db = Kysely<Tracked>
const READS: Record<string, (db: Db) => Promise<unknown>> = {
  'a table read': (db) => db.selectFrom('tracked_posts').select(['title', 'view_count']).orderBy('id').execute(),
  'a row read by id': (db) => db.selectFrom('tracked_posts').select(['title', 'view_count']).where('id', '=', 1).execute(),
}
// A quiet write: still a hit, quiet events, no bump; a loud one: fresh after the write.
const { expectQuiet, fresh } = fieldTrackingChecks<Db>({
  table: 'tracked_posts',
  changeBehind: () => DB.prepare("UPDATE tracked_posts SET title = 'behind' WHERE id = 1").run(),
})

for (const [readName, read] of Object.entries(READS)) {
  describe(`fieldTracking through Kysely, ${readName}`, () => {
    it('a builder update of only view_count is quiet: the next read is still a hit', async () => {
      const h = setup()
      await expectQuiet(h, read, () =>
        h.db
          .updateTable('tracked_posts')
          .set((eb) => ({ view_count: eb('view_count', '+', 1) }))
          .where('id', '=', 1)
          .execute(),
      )
    })

    it('raw SQL updating only view_count is quiet too', async () => {
      const h = setup()
      await expectQuiet(h, read, () => sql`UPDATE "tracked_posts" SET "view_count" = "view_count" + ${1} WHERE "id" = ${1}`.execute(h.db))
    })

    itInvalidates('a builder update of title invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.updateTable('tracked_posts').set({ title: 'Retitled' }).where('id', '=', 1).execute())
    })

    itInvalidates('a builder update of title and view_count together invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.updateTable('tracked_posts').set({ title: 'Retitled', view_count: 0 }).where('id', '=', 1).execute())
    })

    itInvalidates('raw SQL updating title invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => sql`update tracked_posts set title = ${'Raw'} where id = ${1}`.execute(h.db))
    })

    itInvalidates('raw SQL updating title and view_count invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => sql`update tracked_posts set view_count = 0, title = 'Raw' where id = 1`.execute(h.db))
    })

    itInvalidates('an update whose SET holds a raw expression for a column still names its columns: title invalidates', async () => {
      const h = setup()
      await fresh(h, read, () =>
        h.db
          .updateTable('tracked_posts')
          .set({ title: sql`upper(title)` })
          .where('id', '=', 1)
          .execute(),
      )
    })

    it("neverInvalidateOn: '*' with alwaysInvalidateOn: ['title']: a view_count update is quiet", async () => {
      const h = setup(ONLY_TITLE)
      await expectQuiet(h, read, () => h.db.updateTable('tracked_posts').set({ view_count: 99 }).execute())
    })

    itInvalidates("neverInvalidateOn: '*' with alwaysInvalidateOn: ['title']: a title update invalidates", async () => {
      const h = setup(ONLY_TITLE)
      await fresh(h, read, () => h.db.updateTable('tracked_posts').set({ title: 'Only this' }).where('id', '=', 1).execute())
    })

    itInvalidates("neverInvalidateOn: '*': an upsert (INSERT ... ON CONFLICT DO UPDATE of view_count) still invalidates", async () => {
      const h = setup(ONLY_TITLE)
      await fresh(h, read, () =>
        h.db
          .insertInto('tracked_posts')
          .values({ id: 1, title: 'Inserted', view_count: 1 })
          .onConflict((oc) => oc.column('id').doUpdateSet({ view_count: 1 }))
          .execute(),
      )
    })

    itInvalidates("neverInvalidateOn: '*': a DELETE still invalidates", async () => {
      const h = setup(ONLY_TITLE)
      await fresh(h, read, () => h.db.deleteFrom('tracked_posts').where('id', '=', 1).execute())
    })
  })
}

itInvalidates("neverInvalidateOn: '*': a plain INSERT still invalidates a table read", async () => {
  const h = setup(ONLY_TITLE)
  await fresh(h, READS['a table read'] as (db: Db) => Promise<unknown>, () =>
    h.db.insertInto('tracked_posts').values({ id: 3, title: 'New', view_count: 0 }).execute(),
  )
})

describe('fieldTracking validation', () => {
  const make = (fieldTracking: unknown) => () =>
    kyselyCache(new D1Dialect({ database: DB }), createCache({ storage: kvStorage(KV) }), { fieldTracking: fieldTracking as never })
  it('bad shapes fail at construction with INVALID_OPTION, naming the option', () => {
    for (const [value, message] of [
      ['tracked_posts', 'Option `fieldTracking` must be an object'],
      [{ tracked_posts: { neverInvalidateOn: 'view_count' } }, '`fieldTracking.tracked_posts.neverInvalidateOn`'],
      [{ tracked_posts: { neverInvalidateOn: ['view_count'], alwaysInvalidateOn: [''] } }, '`fieldTracking.tracked_posts.alwaysInvalidateOn`'],
      [{ tracked_posts: { alwaysInvalidateOn: ['title'] } }, '`fieldTracking.tracked_posts.neverInvalidateOn` is missing'],
    ] as const) {
      const error = thrown(make(value))
      expect(isKvCacheError(error, 'INVALID_OPTION'), message).toBe(true)
      expect(error.message).toContain(message)
    }
    expect(thrown(make({ tracked_posts: { neverInvalidateon: ['view_count'] } })).message).toContain(
      'Did you mean `fieldTracking.tracked_posts.neverInvalidateOn`?',
    )
    expect(make(QUIET_VIEW_COUNT)).not.toThrow()
  })
})

describe('the README section', () => {
  it('shows exactly the example this test runs', () => {
    expect(readme).toContain(exampleSource.trim())
  })

  it('its view counter is quiet, builder and raw; a new title is not', async () => {
    await resetDatabase()
    const events: CacheEvent[] = []
    const db = database(createCache({ storage: kvStorage(KV), prefix: `kftr${crypto.randomUUID().slice(0, 8)}`, onEvent: (event) => events.push(event) }), {
      DB,
    })
    const titles = () => db.selectFrom('posts').select(['title', 'views']).orderBy('id').execute()
    const filled = await titles()
    await countView(db, 1)
    await countViewRaw(db, 1)
    expect(await titles()).toStrictEqual(filled)
    expect(events.filter((event) => event.type === 'invalidate').map((event) => event.quiet?.table)).toStrictEqual(['posts', 'posts'])
    await db.updateTable('posts').set({ title: 'Retitled' }).where('id', '=', 1).execute()
    expect((await titles())[0]).toStrictEqual({ title: 'Retitled', views: 12 })
  })
})
