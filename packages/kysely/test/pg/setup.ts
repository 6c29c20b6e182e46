import { createCache, memoryStorage, type CacheEvent } from '@kvcache/core'
import { Kysely, PostgresDialect, type Generated } from 'kysely'
import pg from 'pg'
import Cursor from 'pg-cursor'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { kyselyCache, type KyselyCacheOptions } from '../../src'

export interface Database {
  accounts: { id: number; owner: string; balance: string; opened_at: Date; photo: Uint8Array | null }
  transfers: { id: Generated<number>; account_id: number; amount: string }
  staging: { id: number; owner: string }
}

/** A schema of its own per run, so concurrent runs never collide; dropped at the end. */
export const schemaName = `kvk_${Math.random().toString(36).slice(2, 10)}`

/** Read at test time: a globalSetup may set DATABASE_URL. */
export const connectionString = (): string => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A pool whose connections resolve unqualified names in this run's schema. */
export function createPool(max = 4): pg.Pool {
  return new pg.Pool({ connectionString: connectionString(), max, options: `-c search_path=${schemaName}` })
}

export function usePostgres() {
  const pool = createPool()
  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA ${schemaName}`)
    await pool.query(
      `CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL, opened_at timestamptz NOT NULL, photo bytea)`,
    )
    await pool.query(
      `CREATE TABLE transfers (id serial PRIMARY KEY, account_id integer NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, amount numeric NOT NULL)`,
    )
    await pool.query(`CREATE TABLE staging (id integer PRIMARY KEY, owner text NOT NULL)`)
  })
  afterAll(async () => {
    await pool.query(`DROP SCHEMA ${schemaName} CASCADE`)
    await pool.end()
  })
  beforeEach(async () => {
    await pool.query('TRUNCATE accounts, transfers, staging RESTART IDENTITY')
    await pool.query(`INSERT INTO accounts VALUES (1, 'ada', 100, '2026-01-01T00:00:00Z', NULL), (2, 'grace', 9007199254740993, '2026-02-01T00:00:00Z', NULL)`)
    await pool.query(`INSERT INTO transfers (account_id, amount) VALUES (1, 10.5), (2, 20)`)
    await pool.query(`INSERT INTO staging VALUES (2, 'grace')`)
  })
  return pool
}

export interface SetupOptions extends KyselyCacheOptions {
  readonly pool?: pg.Pool
}

/** `db` through the cache (in memory), `behind` straight to PostgreSQL. */
export function setup(pool: pg.Pool, options: SetupOptions = {}) {
  const events: CacheEvent[] = []
  const cache = createCache({ storage: memoryStorage(), onEvent: (event) => events.push(event) })
  const { pool: own, ...bindingOptions } = options
  const dialect = kyselyCache(new PostgresDialect({ pool: own ?? pool, cursor: Cursor }), cache, {
    strategy: 'all',
    database: 'pg-test',
    ...bindingOptions,
  })
  const db = new Kysely<Database>({ dialect })
  const behind = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const count = (type: CacheEvent['type']) => events.filter((event) => event.type === type).length
  return { db, behind, cache, events, count }
}
