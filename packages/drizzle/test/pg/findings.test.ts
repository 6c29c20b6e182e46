// Issue 17 ("correct by construction"), the findings that reach this binding, on real PostgreSQL
// through node-postgres.
import { createCache, isKvCacheError, memoryStorage, type CacheEvent } from '@kvcache/core'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { eq, sql } from 'drizzle-orm'
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { customType, integer, pgSchema, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { drizzleCache } from '../../src'

const schemaName = `kvc_find_${Math.random().toString(36).slice(2, 10)}`
const app = pgSchema(schemaName)
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })
const codes = app.table('codes', { code: text('code').primaryKey(), name: text('name').notNull() })
const files = app.table('files', { id: integer('id').primaryKey(), data: bytea('data').notNull() })
const s = schemaName

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${s}`)
  await pool.query(`CREATE TABLE ${s}.codes (code text PRIMARY KEY, name text NOT NULL)`)
  await pool.query(`CREATE TABLE ${s}.files (id integer PRIMARY KEY, data bytea NOT NULL)`)
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA ${s} CASCADE`)
  await pool.end()
})
beforeEach(async () => {
  await pool.query(`TRUNCATE ${s}.codes, ${s}.files`)
  await pool.query(`INSERT INTO ${s}.codes VALUES ('123', 'one two three'), ('abc', 'letters')`)
  await pool.query(`INSERT INTO ${s}.files VALUES (1, '\\x000102ff'), (2, '\\x')`)
})

function setup(options: { database?: string } = {}) {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const kv = drizzleCache(cache, { strategy: 'all', database: options.database ?? `pg-${crypto.randomUUID()}` })
  return { db: drizzle({ client: kv.pg(pool), cache: kv }), behindTheCache: drizzle({ client: pool }), events, cache, kv }
}

describe("finding 2: a text primary key whose value looks like a number ('123')", () => {
  const read = (db: NodePgDatabase) => db.select().from(codes).where(eq(codes.code, '123'))
  const writes: Record<string, (db: NodePgDatabase) => Promise<unknown>> = {
    'a literal': (db) => db.execute(sql.raw(`UPDATE ${s}.codes SET name = 'raw' WHERE code = '123'`)),
    'a parameter': (db) => db.execute(sql`UPDATE ${codes} SET name = ${'raw'} WHERE code = ${'123'}`),
  }
  for (const [kind, write] of Object.entries(writes)) {
    itInvalidates(`raw update through Drizzle's sql with ${kind}, then a by-key read`, async () => {
      const { db, behindTheCache } = setup()
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(behindTheCache),
        changeBehind: () => pool.query(`UPDATE ${s}.codes SET name = 'behind' WHERE code = '123'`),
        write: () => write(db),
      })
    })
  }
})

describe('finding 5: invalidating a table the database does not have', () => {
  it('db.$cache.invalidate throws UNKNOWN_TABLE naming the nearest, and bumps nothing', async () => {
    const { db, events } = setup()
    const error = await db.$cache.invalidate({ tables: [`${s}.code`] }).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(isKvCacheError(error, 'UNKNOWN_TABLE')).toBe(true)
    expect((error as Error).message).toContain(`Did you mean \`${s}.codes\`?`)
    expect(events.filter((event) => event.type === 'invalidate')).toStrictEqual([])
  })
})

describe('finding 6: node-postgres returns bytea as a Buffer', () => {
  it('a read holding one is cached, and the hit is a Buffer deep-equal to the miss', async () => {
    const { db, events } = setup()
    const read = () => db.select().from(files).orderBy(files.id)
    const miss = await read()
    expect(miss[0]?.data).toBeInstanceOf(Buffer)
    expect(events.filter((event) => event.type === 'fill')).toHaveLength(1)
    // The second read is a hit: the change behind the cache is not seen.
    await pool.query(`UPDATE ${s}.files SET data = '\\xdead'`)
    const hit = await read()
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(1)
    expect(hit).toStrictEqual(miss)
    expect(hit[0]?.data).toBeInstanceOf(Buffer)
    expect(hit[0]?.data).toStrictEqual(Buffer.from([0, 1, 2, 255]))
    expect(hit[1]?.data).toStrictEqual(Buffer.alloc(0))
  })

  itInvalidates('and a write invalidates it', async () => {
    const { db, behindTheCache } = setup()
    await expectFreshAfterWrite({
      read: () => db.select().from(files).where(eq(files.id, 1)),
      direct: () => behindTheCache.select().from(files).where(eq(files.id, 1)),
      changeBehind: () => pool.query(`UPDATE ${s}.files SET data = '\\xbeef' WHERE id = 1`),
      write: () =>
        db
          .update(files)
          .set({ data: Buffer.from('written') })
          .where(eq(files.id, 1)),
    })
  })
})

// Two databases on one server: the same schema and table in each, different rows.
describe('finding 4: two PostgreSQL databases behind one cache', () => {
  const secondName = `kvc_second_${Math.random().toString(36).slice(2, 10)}`
  const secondUrl = (() => {
    const url = new URL(databaseUrl)
    url.pathname = `/${secondName}`
    return url.toString()
  })()
  let second: pg.Pool
  const table = app.table('twins', { id: integer('id').primaryKey(), name: text('name').notNull() })

  beforeAll(async () => {
    await pool.query(`CREATE DATABASE ${secondName}`)
    second = new pg.Pool({ connectionString: secondUrl, max: 2 })
    // `second.end()` resolves before its sockets close, so the FORCE drop below may terminate one: not an error.
    second.on('error', () => {})
    second.on('connect', (connection) => connection.on('error', () => {}))
    for (const [client, name] of [
      [pool, 'first'],
      [second, 'second'],
    ] as const) {
      if (client === second) await client.query(`CREATE SCHEMA ${s}`)
      await client.query(`CREATE TABLE ${s}.twins (id integer PRIMARY KEY, name text NOT NULL)`)
      await client.query(`INSERT INTO ${s}.twins VALUES (1, '${name} database')`)
    }
  })
  afterAll(async () => {
    await second?.end()
    await pool.query(`DROP DATABASE IF EXISTS ${secondName} WITH (FORCE)`)
  })

  const newCache = (events: CacheEvent[]) => createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  // The same SQL text and the same parameters on both.
  const read = (db: NodePgDatabase) => db.select().from(table).where(eq(table.id, 1))

  /** Both reads are answered from their own database, then served from the cache: each its own rows. */
  async function expectApart(first: NodePgDatabase, other: NodePgDatabase, events: CacheEvent[]) {
    expect(await read(first)).toStrictEqual([{ id: 1, name: 'first database' }])
    expect(await read(other)).toStrictEqual([{ id: 1, name: 'second database' }])
    await pool.query(`UPDATE ${s}.twins SET name = 'behind'`)
    await second.query(`UPDATE ${s}.twins SET name = 'behind'`)
    expect(await read(first)).toStrictEqual([{ id: 1, name: 'first database' }])
    expect(await read(other)).toStrictEqual([{ id: 1, name: 'second database' }])
    expect(events.filter((event) => event.type === 'hit')).toHaveLength(2)
    await pool.query(`UPDATE ${s}.twins SET name = 'first database'`)
    await second.query(`UPDATE ${s}.twins SET name = 'second database'`)
  }

  it('without a `database` option, names are derived from the pools: never one database’s rows for the other', async () => {
    const events: CacheEvent[] = []
    const cache = newCache(events)
    const kvFirst = drizzleCache(cache, { strategy: 'all' })
    const kvSecond = drizzleCache(cache, { strategy: 'all' })
    const first = drizzle({ client: kvFirst.pg(pool), cache: kvFirst })
    const other = drizzle({ client: kvSecond.pg(second), cache: kvSecond })
    await expectApart(first, other, events)
  })

  it('with a name each, both work', async () => {
    const events: CacheEvent[] = []
    const cache = newCache(events)
    const kvFirst = drizzleCache(cache, { strategy: 'all', database: 'first' })
    const kvSecond = drizzleCache(cache, { strategy: 'all', database: 'second' })
    await expectApart(drizzle({ client: kvFirst.pg(pool), cache: kvFirst }), drizzle({ client: kvSecond.pg(second), cache: kvSecond }), events)
  })

  it('two databases under one name fail fast with DATABASE_CONFLICT', () => {
    const cache = newCache([])
    drizzleCache(cache, { database: 'main' }).pg(pool)
    expect(() => drizzleCache(cache, { database: 'main' }).pg(second)).toThrow(/`database/)
  })

  it('one binding handed two databases fails fast (its entries carry one database name)', async () => {
    const events: CacheEvent[] = []
    const kv = drizzleCache(newCache(events), { strategy: 'all' })
    const first = drizzle({ client: kv.pg(pool), cache: kv })
    const error = (() => {
      try {
        kv.pg(second)
      } catch (caught) {
        return caught
      }
    })()
    expect(isKvCacheError(error, 'DATABASE_CONFLICT')).toBe(true)
    // The binding still serves the first database under its own name.
    expect(await read(first)).toStrictEqual([{ id: 1, name: 'first database' }])
  })
})
