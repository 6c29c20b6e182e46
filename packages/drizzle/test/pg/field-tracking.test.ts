// Field-aware invalidation (`fieldTracking`) on real PostgreSQL (node-postgres Pool): outside a
// transaction, inside `db.transaction`, and in savepoints (nested `tx.transaction`), a quiet update
// bumps nothing and a loud one is published (on commit).
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { fieldTrackingChecks } from '@kvcache/test-support/field-tracking'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { eq, sql } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest'
import { drizzleCache } from '../../src'

const schemaName = `kvc_ft_${Math.random().toString(36).slice(2, 10)}`
const trackedPosts = pgSchema(schemaName).table('tracked_posts', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  viewCount: integer('view_count').notNull(),
})
const schema = { trackedPosts }

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
const table = `${schemaName}.tracked_posts`

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${schemaName}`)
  await pool.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, title text NOT NULL, view_count integer NOT NULL)`)
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA ${schemaName} CASCADE`)
  await pool.end()
})
beforeEach(async () => {
  await pool.query(`TRUNCATE ${table}`)
  await pool.query(`INSERT INTO ${table} VALUES (1, 'Hello', 10), (2, 'World', 20)`)
})

function setup() {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const kv = drizzleCache(cache, {
    strategy: 'all',
    schema,
    database: `pg-${crypto.randomUUID()}`,
    fieldTracking: { trackedPosts: { neverInvalidateOn: ['viewCount'] } },
  })
  return { db: drizzle({ client: kv.pg(pool), schema, cache: kv }), plain: drizzle({ client: pool, schema }), events }
}

type Db = NodePgDatabase<typeof schema>
const READS: Record<string, (db: Db) => Promise<unknown>> = {
  'a table read': (db) => db.select({ title: trackedPosts.title, viewCount: trackedPosts.viewCount }).from(trackedPosts).orderBy(trackedPosts.id),
  'a row read by id': (db) => db.select({ title: trackedPosts.title, viewCount: trackedPosts.viewCount }).from(trackedPosts).where(eq(trackedPosts.id, 1)),
}
const bumpViews = (db: Db) =>
  db
    .update(trackedPosts)
    .set({ viewCount: sql`${trackedPosts.viewCount} + 1` })
    .where(eq(trackedPosts.id, 1))
const retitle = (db: Db) => db.update(trackedPosts).set({ title: 'Retitled' }).where(eq(trackedPosts.id, 1))

// A quiet write: still a hit, a quiet event (the schema-qualified table), no bump; a loud one: fresh after the write (on commit).
const { expectQuiet, fresh } = fieldTrackingChecks<Db>({ table, changeBehind: () => pool.query(`UPDATE ${table} SET title = 'behind' WHERE id = 1`) })

for (const [readName, read] of Object.entries(READS)) {
  describe(`fieldTracking on PostgreSQL, ${readName}`, () => {
    it('outside a transaction: a quiet update is still a hit', async () => {
      const h = setup()
      await expectQuiet(h, read, () => bumpViews(h.db))
    })

    it('inside db.transaction: a quiet update is still a hit after commit', async () => {
      const h = setup()
      await expectQuiet(h, read, () => h.db.transaction(async (tx) => void (await bumpViews(tx as unknown as Db))))
    })

    it('in a savepoint released into the transaction, and in raw SQL: still quiet', async () => {
      const h = setup()
      await expectQuiet(h, read, () =>
        h.db.transaction(async (tx) => {
          await tx.transaction(async (inner) => void (await bumpViews(inner as unknown as Db)))
          await tx.execute(sql.raw(`UPDATE ${table} SET view_count = 0 WHERE id = 2`))
        }),
      )
    })

    it('a loud update in a savepoint rolled back, next to a quiet one: still quiet', async () => {
      const h = setup()
      await expectQuiet(h, read, () =>
        h.db.transaction(async (tx) => {
          await bumpViews(tx as unknown as Db)
          await tx
            .transaction(async (inner) => {
              await retitle(inner as unknown as Db)
              inner.rollback()
            })
            .catch(() => undefined)
        }),
      )
    })

    itInvalidates('inside db.transaction: a title update invalidates on commit', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.transaction(async (tx) => void (await retitle(tx as unknown as Db))))
    })

    itInvalidates('inside db.transaction: a quiet update and a loud one invalidate on commit', async () => {
      const h = setup()
      await fresh(h, read, () =>
        h.db.transaction(async (tx) => {
          await bumpViews(tx as unknown as Db)
          await tx.transaction(async (inner) => void (await retitle(inner as unknown as Db)))
        }),
      )
    })

    itInvalidates('outside a transaction: raw SQL updating title and view_count invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.execute(sql.raw(`UPDATE ${table} SET view_count = 0, title = 'Raw' WHERE id = 1`)))
    })
  })
}
