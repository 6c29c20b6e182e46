import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { npmVersion } from 'drizzle-orm/version'
import { bigint, integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { drizzleCache } from '../../src'

// A schema of its own per run, so concurrent runs never collide.
const schemaName = `kvc_${Math.random().toString(36).slice(2, 10)}`
const app = pgSchema(schemaName)
const accounts = app.table('accounts', {
  id: integer('id').primaryKey(),
  owner: text('owner').notNull(),
  balance: bigint('balance', { mode: 'bigint' }).notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
})
const schema = { accounts }

// Set by the shared globalSetup (test-support/postgres-setup.ts): the caller's, the machine's or an embedded server.
const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${schemaName}`)
  await pool.query(`CREATE TABLE ${schemaName}.accounts (id integer PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL, opened_at timestamptz NOT NULL)`)
})

afterAll(async () => {
  await pool.query(`DROP SCHEMA ${schemaName} CASCADE`)
  await pool.end()
})

beforeEach(async () => {
  await pool.query(`TRUNCATE ${schemaName}.accounts`)
  await pool.query(`INSERT INTO ${schemaName}.accounts VALUES (1, 'ada', 100, '2026-01-01T00:00:00Z'), (2, 'grace', 9007199254740993, '2026-02-01T00:00:00Z')`)
})

function setup() {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const kv = drizzleCache(cache, { strategy: 'all', schema, database: 'pg-test' })
  const db = drizzle({ client: kv.pg(pool), schema, cache: kv })
  const behindTheCache = drizzle({ client: pool, schema })
  return { db, behindTheCache, events, kv }
}

const owners = (rows: { owner: string }[]) => rows.map((row) => row.owner)

it('runs on the drizzle-orm version this project pins', () => {
  expect(npmVersion).toBe(inject('drizzleVersion'))
})

const behind = (statement: string) => pool.query(statement.replaceAll('accounts', `${schemaName}.accounts`))

describe('node-postgres (real PostgreSQL)', () => {
  itInvalidates('caches reads and invalidates on writes to a schema-qualified table', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(accounts).orderBy(accounts.id),
      direct: () => behindTheCache.select().from(accounts).orderBy(accounts.id),
      changeBehind: () => behind("UPDATE accounts SET owner = 'behind' WHERE id = 2"),
      write: () => db.update(accounts).set({ owner: 'Ada' }).where(eq(accounts.id, 1)),
    })
  })

  itInvalidates('db.$cache.invalidate accepts `schema.table` names', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(accounts).orderBy(accounts.id),
      direct: () => behindTheCache.select().from(accounts).orderBy(accounts.id),
      changeBehind: () => behind("UPDATE accounts SET owner = 'x'"),
      write: async () => {
        await behind("UPDATE accounts SET owner = 'y' WHERE id = 1")
        await db.$cache.invalidate({ tables: `${schemaName}.accounts` })
      },
    })
  })

  itInvalidates('db.$cache.invalidate accepts table objects', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(accounts).orderBy(accounts.id),
      direct: () => behindTheCache.select().from(accounts).orderBy(accounts.id),
      changeBehind: () => behind("UPDATE accounts SET owner = 'x'"),
      write: async () => {
        await behind("UPDATE accounts SET owner = 'y' WHERE id = 1")
        await db.$cache.invalidate({ tables: accounts })
      },
    })
  })

  it('BigInt parameters and values: keys work and values round-trip', async () => {
    const { db, events } = setup()
    const read = () => db.select().from(accounts).where(eq(accounts.balance, 9007199254740993n))
    const miss = await read()
    // The second read is a hit: a change behind the cache is not seen.
    await behind("UPDATE accounts SET owner = 'behind'")
    const hit = await read()
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(1)
    expect(hit).toStrictEqual(miss)
    expect(hit[0]?.balance).toBe(9007199254740993n)
    expect(hit[0]?.openedAt).toBeInstanceOf(Date)
  })

  it('db.execute results (node-postgres shape) round-trip', async () => {
    const { db, events } = setup()
    const read = () => db.execute(sql`select id, owner, opened_at from ${accounts} order by id`)
    const miss = await read()
    await behind("UPDATE accounts SET owner = 'behind'")
    const hit = await read()
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(1)
    expect(hit.rows).toStrictEqual(miss.rows)
    expect(hit.rowCount).toBe(miss.rowCount)
    expect(hit.fields?.map((field) => field.name)).toStrictEqual(['id', 'owner', 'opened_at'])
  })
})

describe('transactions (PostgreSQL)', () => {
  it('reads inside a transaction bypass the cache and never fill it with uncommitted rows', async () => {
    const { db, events } = setup()
    const read = () => db.select().from(accounts).orderBy(accounts.id)
    await expect(
      db.transaction(async (tx) => {
        await tx.update(accounts).set({ owner: 'uncommitted' }).where(eq(accounts.id, 1))
        expect(owners(await tx.select().from(accounts).orderBy(accounts.id))).toStrictEqual(['uncommitted', 'grace'])
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect(events.filter((event) => event.type === 'fill' || event.type === 'hit')).toStrictEqual([])
    expect(owners(await read())).toStrictEqual(['ada', 'grace'])
  })

  itInvalidates('invalidation is published on commit, not before', async () => {
    const { db, events, behindTheCache } = setup()
    const read = () => db.select().from(accounts).orderBy(accounts.id)
    await expectFreshAfterWrite({
      read,
      direct: () => behindTheCache.select().from(accounts).orderBy(accounts.id),
      changeBehind: () => behind("UPDATE accounts SET owner = 'behind' WHERE id = 1"),
      write: () =>
        db.transaction(async (tx) => {
          const before = await read()
          await tx.update(accounts).set({ owner: 'committed' }).where(eq(accounts.id, 2))
          expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(0)
          // Other connections are still served the cached rows.
          expect(await read()).toStrictEqual(before)
        }),
    })
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(1)
  })

  it('invalidation is dropped on rollback', async () => {
    const { db, events } = setup()
    const read = () => db.select().from(accounts).orderBy(accounts.id)
    await read()
    await db
      .transaction(async (tx) => {
        await tx.update(accounts).set({ owner: 'never' })
        tx.rollback()
      })
      .catch(() => undefined)
    expect(events.filter((event) => event.type === 'invalidate')).toHaveLength(0)
    // Still served from the cache: prove it by changing the row behind the cache's back.
    await behind("UPDATE accounts SET owner = 'behind'")
    expect(owners(await read())).toStrictEqual(['ada', 'grace'])
  })
})
