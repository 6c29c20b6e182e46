import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { Kysely, PostgresDialect } from 'kysely'
import { deepStrictEqual } from 'node:assert/strict'
import type pg from 'pg'
import { describe, expect, it } from 'vitest'
import { kyselyCache } from '../../src'
import { setup, usePostgres, type Database } from './setup'

const pool = usePostgres()

describe('results are the same on a hit as on a miss', () => {
  it('Dates, bigint columns (as strings), numerics, nulls and the QueryResult fields', async () => {
    const { db, count } = setup(pool)
    const compiled = db.selectFrom('accounts').innerJoin('transfers', 'transfers.account_id', 'accounts.id').selectAll().orderBy('accounts.id').compile()
    const miss = await db.executeQuery(compiled)
    const hit = await db.executeQuery(compiled)
    expect(count('hit')).toBe(1)
    expect(hit).toStrictEqual(miss)
    expect((hit.rows[1] as { opened_at: unknown }).opened_at).toStrictEqual(new Date('2026-02-01T00:00:00Z'))
    expect((hit.rows[1] as { balance: unknown }).balance).toBe('9007199254740993')
  })

  // node-postgres returns bytea as a Buffer; the core codec round-trips Buffers (they used to make the read uncacheable).
  it('a bytea column is cached and comes back as a Buffer, deepStrictEqual to the miss', async () => {
    await pool.query("update accounts set photo = '\\x00ff10' where id = 1")
    const { db, count } = setup(pool)
    const photo = () => db.selectFrom('accounts').select(['id', 'photo']).where('id', '=', 1).executeTakeFirstOrThrow()
    const miss = await photo()
    await pool.query("update accounts set photo = '\\x01' where id = 1")
    const hit = await photo()
    expect(count('hit')).toBe(1)
    expect(Buffer.isBuffer(hit.photo)).toBe(true)
    deepStrictEqual(hit, miss)
    expect([...(hit.photo as Buffer)]).toStrictEqual([0, 255, 16])
  })

  itInvalidates('a bytea read is fresh after a write of its row', async () => {
    const { db, behind } = setup(pool)
    const photo = (on: Kysely<Database>) => on.selectFrom('accounts').select('photo').where('id', '=', 1).execute()
    await expectFreshAfterWrite({
      read: () => photo(db),
      direct: () => photo(behind),
      changeBehind: () => pool.query("update accounts set photo = '\\x01' where id = 1"),
      write: () =>
        db
          .updateTable('accounts')
          .set({ photo: Buffer.from([2, 3]) })
          .where('id', '=', 1)
          .execute(),
    })
  })

  it('numAffectedRows of a write is a bigint', async () => {
    const { db } = setup(pool)
    const result = await db.updateTable('accounts').set({ owner: 'x' }).executeTakeFirstOrThrow()
    expect(result.numUpdatedRows).toBe(2n)
  })
})

describe('streamQuery', () => {
  it('streams reads straight from the database', async () => {
    const { db, behind } = setup(pool)
    const read = async () => {
      const rows: unknown[] = []
      for await (const row of db.selectFrom('accounts').select('owner').orderBy('id').stream(1)) rows.push(row)
      return rows
    }
    expect(await read()).toStrictEqual([{ owner: 'ada' }, { owner: 'grace' }])
    await behind.updateTable('accounts').set({ owner: 'behind' }).where('id', '=', 1).execute()
    expect(await read()).toStrictEqual([{ owner: 'behind' }, { owner: 'grace' }])
  })

  itInvalidates('a streamed write still invalidates once the stream ends', async () => {
    const { db, behind } = setup(pool)
    const owners = (on: Kysely<Database>) => on.selectFrom('accounts').select('owner').orderBy('id').execute()
    await expectFreshAfterWrite({
      read: () => owners(db),
      direct: () => owners(behind),
      changeBehind: () => pool.query("update accounts set owner = 'behind' where id = 1"),
      write: async () => {
        for await (const row of db.updateTable('accounts').set({ owner: 'streamed' }).returning('id').stream(1)) expect(row).toHaveProperty('id')
      },
    })
    expect(await owners(db)).toStrictEqual([{ owner: 'streamed' }, { owner: 'streamed' }])
  })
})

/** Latency injection on a real pool: matching statements run, then wait for `hold` before answering. */
function pausedPoolFault(real: pg.Pool, pattern: RegExp, loaded: () => void, hold: Promise<void>): pg.Pool {
  const pauseClient = (client: pg.PoolClient) =>
    new Proxy(client, {
      get(target, property) {
        if (property !== 'query') {
          const value = Reflect.get(target, property, target)
          return typeof value === 'function' ? value.bind(target) : value
        }
        return async (...args: [string, unknown[]]) => {
          const result = await target.query(...args)
          if (pattern.test(String(args[0]))) {
            loaded()
            await hold
          }
          return result
        }
      },
    })
  return new Proxy(real, {
    get(target, property) {
      if (property === 'connect') return async () => pauseClient(await target.connect())
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('a read racing a write', () => {
  it('a read that started before a write and fills after it is never served afterwards', async () => {
    let loaded!: () => void
    const started = new Promise<void>((resolve) => (loaded = resolve))
    let release!: () => void
    const hold = new Promise<void>((resolve) => (release = resolve))
    const { db: writer, cache } = setup(pool)
    const slow = pausedPoolFault(pool, /^select "owner" from "accounts"/, loaded, hold)
    const reader = new Kysely<Database>({ dialect: kyselyCache(new PostgresDialect({ pool: slow }), cache, { strategy: 'all', database: 'pg-test' }) })
    const read = (db: Kysely<Database>) => db.selectFrom('accounts').select('owner').orderBy('id').execute()

    const racing = read(reader)
    await started
    await writer.updateTable('accounts').set({ owner: 'after' }).where('id', '=', 1).execute()
    release()
    expect(await racing).toStrictEqual([{ owner: 'ada' }, { owner: 'grace' }])
    await cache.flush()
    expect(await read(writer)).toStrictEqual([{ owner: 'after' }, { owner: 'grace' }])
    // Caching is on: that fresh read was stored and is served now (a change behind it is not seen).
    await pool.query("update accounts set owner = 'behind' where id = 2")
    expect(await read(writer)).toStrictEqual([{ owner: 'after' }, { owner: 'grace' }])
  })
})
