// PostgreSQL resolves an unqualified name through the connection's search path, which the cache
// cannot see: `accounts` on a connection whose search path starts with `app` is `app.accounts`.
// Reads and writes that spell the same table differently must still invalidate each other.
import { createCache, memoryStorage } from '@kvcache/core'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { eq, sql } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, pgTable, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe } from 'vitest'
import { drizzleCache } from '../../src'

const schemaName = `kvs_${Math.random().toString(36).slice(2, 10)}`
const columns = { id: integer('id').primaryKey(), owner: text('owner').notNull() }
const bare = pgTable('accounts', columns)
const qualified = pgSchema(schemaName).table('accounts', columns)

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, options: `-c search_path=${schemaName}` })

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${schemaName}`)
  await pool.query(`CREATE TABLE ${schemaName}.accounts (id integer PRIMARY KEY, owner text NOT NULL)`)
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA ${schemaName} CASCADE`)
  await pool.end()
})
beforeEach(async () => {
  await pool.query(`TRUNCATE ${schemaName}.accounts`)
  await pool.query(`INSERT INTO ${schemaName}.accounts VALUES (1, 'ada'), (2, 'grace')`)
})

type Db = NodePgDatabase<Record<string, never>>
const writes: Record<string, (db: Db) => Promise<unknown>> = {
  'raw, unqualified, by key': (db) => db.execute(sql`update accounts set owner = 'X' where id = 1`),
  'raw, schema-qualified, by key': (db) => db.execute(sql`update ${sql.identifier(schemaName)}.accounts set owner = 'X' where id = 1`),
  'raw, schema-qualified, every row': (db) => db.execute(sql`update ${sql.identifier(schemaName)}.accounts set owner = 'X'`),
  'builder on the unqualified table': (db) => db.update(bare).set({ owner: 'X' }).where(eq(bare.id, 1)),
  'builder on the pgSchema table': (db) => db.update(qualified).set({ owner: 'X' }).where(eq(qualified.id, 1)),
  'behind the cache, then $cache.invalidate of the schema-qualified name': async (db) => {
    await pool.query(`update ${schemaName}.accounts set owner = 'X' where id = 1`)
    await db.$cache.invalidate({ tables: `${schemaName}.accounts` })
  },
  'behind the cache, then $cache.invalidate of the unqualified name': async (db) => {
    await pool.query(`update ${schemaName}.accounts set owner = 'X' where id = 1`)
    await db.$cache.invalidate({ tables: 'accounts' })
  },
}

const tables = [
  ['pgTable (unqualified), declared in `schema`', bare, true],
  ['pgSchema (qualified), declared in `schema`', qualified, true],
  // Known from the database catalog alone: `accounts` resolves through the search path it was read with.
  ['pgTable (unqualified), no `schema` option', bare, false],
] as const

for (const [declared, table, withSchema] of tables) {
  const reads: Record<string, (db: Db) => Promise<unknown>> = {
    list: (db) => db.select().from(table).orderBy(table.id),
    'by key': (db) => db.select().from(table).where(eq(table.id, 1)),
  }
  describe(`a ${declared} table on a search path that starts with its schema`, () => {
    for (const [readKind, read] of Object.entries(reads)) {
      for (const [writeKind, write] of Object.entries(writes)) {
        itInvalidates(`${readKind} read, then a write (${writeKind}): fresh`, async () => {
          const cache = createCache({ storage: memoryStorage() })
          const kv = drizzleCache(cache, { strategy: 'all', database: `search-path-${withSchema}`, ...(withSchema ? { schema: { table } } : {}) })
          await expectFreshAfterWrite({
            read: () => read(drizzle({ client: kv.pg(pool), cache: kv })),
            direct: () => read(drizzle({ client: pool })),
            changeBehind: () => pool.query(`update ${schemaName}.accounts set owner = 'behind'`),
            write: () => write(drizzle({ client: kv.pg(pool), cache: kv })),
          })
        })
      }
    }
  })
}
