// Field-aware invalidation (`fieldTracking`) on real PostgreSQL through Kysely: outside a
// transaction, inside `db.transaction().execute()` and in savepoints, a quiet update bumps nothing
// and a loud one is published on commit.
import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { fieldTrackingChecks } from '@kvcache/test-support/field-tracking'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely'
import { beforeAll, beforeEach, describe, it } from 'vitest'
import { kyselyCache } from '../../src'
import { schemaName, usePostgres } from './setup'

interface Tracked {
  tracked_posts: { id: number; title: string; view_count: number }
}

const pool = usePostgres()
beforeAll(async () => {
  await pool.query('CREATE TABLE tracked_posts (id integer PRIMARY KEY, title text NOT NULL, view_count integer NOT NULL)')
})
beforeEach(async () => {
  await pool.query('TRUNCATE tracked_posts')
  await pool.query("INSERT INTO tracked_posts VALUES (1, 'Hello', 10), (2, 'World', 20)")
})

function setup() {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const dialect = kyselyCache(new PostgresDialect({ pool }), cache, {
    strategy: 'all',
    database: `pg-${crypto.randomUUID()}`,
    fieldTracking: { tracked_posts: { neverInvalidateOn: ['view_count'] } },
  })
  return { db: new Kysely<Tracked>({ dialect }), plain: new Kysely<Tracked>({ dialect: new PostgresDialect({ pool }) }), events }
}

type Db = Kysely<Tracked> | Transaction<Tracked>
const READS: Record<string, (db: Db) => Promise<unknown>> = {
  'a table read': (db) => db.selectFrom('tracked_posts').select(['title', 'view_count']).orderBy('id').execute(),
  'a row read by id': (db) => db.selectFrom('tracked_posts').select(['title', 'view_count']).where('id', '=', 1).execute(),
}
const countView = (db: Db) =>
  db
    .updateTable('tracked_posts')
    .set((eb) => ({ view_count: eb('view_count', '+', 1) }))
    .where('id', '=', 1)
    .execute()
const retitle = (db: Db) => db.updateTable('tracked_posts').set({ title: 'Retitled' }).where('id', '=', 1).execute()

// A quiet write: still a hit, quiet events (on the table as the search path finds it), no bump; a loud one: fresh after the write (on commit).
const { expectQuiet, fresh } = fieldTrackingChecks<Db>({
  table: `${schemaName}.tracked_posts`,
  changeBehind: () => pool.query("UPDATE tracked_posts SET title = 'behind' WHERE id = 1"),
})

for (const [readName, read] of Object.entries(READS)) {
  describe(`fieldTracking on PostgreSQL through Kysely, ${readName}`, () => {
    it('outside a transaction: a quiet update is still a hit', async () => {
      const h = setup()
      await expectQuiet(h, read, () => countView(h.db))
    })

    it('inside a transaction, builder and raw: still a hit after commit', async () => {
      const h = setup()
      await expectQuiet(h, read, () =>
        h.db.transaction().execute(async (trx) => {
          await countView(trx)
          await sql`update tracked_posts set view_count = 0 where id = 2`.execute(trx)
        }),
      )
    })

    it('a loud update in a savepoint rolled back to, next to a quiet one: still a hit after commit', async () => {
      const h = setup()
      await expectQuiet(h, read, () =>
        h.db.transaction().execute(async (trx) => {
          await countView(trx)
          await sql`savepoint s`.execute(trx)
          await retitle(trx)
          await sql`rollback to savepoint s`.execute(trx)
        }),
      )
    })

    itInvalidates('inside a transaction: a title update invalidates on commit', async () => {
      const h = setup()
      await fresh(h, read, () => h.db.transaction().execute((trx) => retitle(trx)))
    })

    itInvalidates('inside a transaction: a quiet update, then a loud one in a released savepoint, invalidate on commit', async () => {
      const h = setup()
      await fresh(h, read, () =>
        h.db.transaction().execute(async (trx) => {
          await countView(trx)
          await sql`savepoint s`.execute(trx)
          await retitle(trx)
          await sql`release savepoint s`.execute(trx)
        }),
      )
    })

    itInvalidates('outside a transaction: raw SQL updating title and view_count invalidates', async () => {
      const h = setup()
      await fresh(h, read, () => sql`UPDATE tracked_posts SET view_count = 0, title = ${'Raw'} WHERE id = ${1}`.execute(h.db))
    })
  })
}
