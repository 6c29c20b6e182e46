// Kysely keeps PostgresDialect's pool private, so the binding cannot tell two databases apart by
// itself: each `kyselyCache` serving another database gets its own `database` name.
import { createCache, memoryStorage } from '@kvcache/core'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { kyselyCache } from '../../src'
import { connectionString, createPool, usePostgres, type Database } from './setup'

const first = usePostgres()
const secondName = `kvc_second_${Math.random().toString(36).slice(2, 10)}`
let second: pg.Pool

beforeAll(async () => {
  await first.query(`CREATE DATABASE ${secondName}`)
  const url = new URL(connectionString())
  url.pathname = `/${secondName}`
  second = new pg.Pool({ connectionString: url.toString(), max: 2 })
  // `second.end()` resolves before its sockets close, so the drop below forces them out: not an error.
  second.on('error', () => {})
  second.on('connect', (connection) => connection.on('error', () => {}))
  await second.query(
    'CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL, opened_at timestamptz NOT NULL, photo bytea)',
  )
  await second.query(`INSERT INTO accounts VALUES (1, 'second database', 1, '2026-01-01T00:00:00Z', NULL)`)
})
afterAll(async () => {
  await second.end()
  await first.query(`DROP DATABASE IF EXISTS ${secondName} WITH (FORCE)`)
})

it("two PostgreSQL databases behind one cache, each with its own `database` name: the same SQL returns each database's rows, hits included", async () => {
  const events: string[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event.type) })
  const pool = createPool(2)
  const one = new Kysely<Database>({ dialect: kyselyCache(new PostgresDialect({ pool }), cache, { strategy: 'all', database: 'one' }) })
  const two = new Kysely<Database>({ dialect: kyselyCache(new PostgresDialect({ pool: second }), cache, { strategy: 'all', database: 'two' }) })
  // The second pool is ended by afterAll: this one's Kysely must not end it.
  const owner = (db: Kysely<Database>) => db.selectFrom('accounts').select('owner').where('id', '=', 1).execute()
  try {
    expect(await owner(one)).toStrictEqual([{ owner: 'ada' }])
    expect(await owner(two)).toStrictEqual([{ owner: 'second database' }])
    await first.query("update accounts set owner = 'behind one' where id = 1")
    await second.query("update accounts set owner = 'behind two' where id = 1")
    expect(await owner(one)).toStrictEqual([{ owner: 'ada' }])
    expect(await owner(two)).toStrictEqual([{ owner: 'second database' }])
    expect(events.filter((type) => type === 'hit')).toHaveLength(2)
    await one.updateTable('accounts').set({ owner: 'written one' }).where('id', '=', 1).execute()
    expect(await owner(one)).toStrictEqual([{ owner: 'written one' }])
    expect(await owner(two)).not.toStrictEqual([{ owner: 'written one' }])
  } finally {
    await one.destroy()
  }
})
