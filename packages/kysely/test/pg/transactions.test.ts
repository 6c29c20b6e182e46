import { isKvCacheError } from '@kvcache/core'
import { kyselyCacheInvalidate } from '@kvcache/kysely'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { sql, type Kysely } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { createPool, setup, usePostgres, type Database } from './setup'

const pool = usePostgres()
const owners = (db: Kysely<Database>) => db.selectFrom('accounts').select('owner').orderBy('id').execute()
const ADA_GRACE = [{ owner: 'ada' }, { owner: 'grace' }]
const RENAME_BEHIND = () => pool.query("update accounts set owner = 'behind' where id = 2")
const invalidations = (events: readonly { type: string }[]) => events.filter((event) => event.type === 'invalidate')
// Kysely 0.27 has no controlled transactions (`startTransaction`, `savepoint`).
const controlled = inject('kyselyVersion') !== '0.27'

describe('db.transaction().execute()', () => {
  itInvalidates('reads inside bypass the cache and see the transaction; invalidations publish on commit', async () => {
    const { db, behind, count } = setup(pool)
    await expectFreshAfterWrite({
      read: () => owners(db),
      direct: () => owners(behind),
      changeBehind: RENAME_BEHIND,
      write: () =>
        db.transaction().execute(async (trx) => {
          await trx.updateTable('accounts').set({ owner: 'inside' }).where('id', '=', 1).execute()
          expect(await owners(trx)).toStrictEqual([{ owner: 'inside' }, { owner: 'behind' }])
          // Other connections still see the committed rows, and are still served from the cache.
          const hits = count('hit')
          expect(await owners(db)).toStrictEqual(ADA_GRACE)
          expect(count('hit')).toBe(hits + 1)
        }),
    })
  })

  it('a rollback drops the invalidations: cached entries stay valid and correct', async () => {
    const { db, count, events } = setup(pool)
    await owners(db)
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('accounts').set({ owner: 'never' }).execute()
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
    expect(count('hit')).toBe(1)
    expect(invalidations(events)).toStrictEqual([])
  })

  it('a COMMIT of an aborted transaction still reaches Kysely as a ROLLBACK (the driver sees it untouched)', async () => {
    const { db } = setup(pool)
    await owners(db)
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('accounts').set({ owner: 'lost' }).execute()
        await sql`select 1/0`.execute(trx).catch(() => undefined)
      })
      .then(
        () => 'committed',
        (error: Error) => error.name,
      )
    // Kysely 0.28 and later raise AbortedTransactionError from COMMIT's ROLLBACK tag; 0.27 did not look.
    expect(outcome).toBe(inject('kyselyVersion') === '0.27' ? 'committed' : 'AbortedTransactionError')
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
  })

  it('a COMMIT that fails still publishes (it may have committed; over-invalidating is safe), and its error reaches the application', async () => {
    await pool.query('CREATE TABLE IF NOT EXISTS deferred (id integer, CONSTRAINT deferred_unique UNIQUE (id) DEFERRABLE INITIALLY DEFERRED)')
    const { db, events } = setup(pool)
    await owners(db)
    const loose = db as unknown as Kysely<{ deferred: { id: number } }>
    const failed = db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ owner: 'never' }).where('id', '=', 1).execute()
      // The unique constraint is checked at COMMIT, which fails.
      await (trx as unknown as typeof loose)
        .insertInto('deferred')
        .values([{ id: 1 }, { id: 1 }])
        .execute()
    })
    await expect(failed).rejects.toThrow('deferred_unique')
    expect(invalidations(events)).toHaveLength(1)
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
  })
})

describe.skipIf(!controlled)('controlled transactions (Kysely 0.28+)', () => {
  itInvalidates('startTransaction: commit publishes, and a rolled-back savepoint drops only what came after it', async () => {
    // An update of a non-key column of accounts changes nothing in transfers (its foreign key acts on delete).
    const { db, behind, count } = setup(pool)
    expect('startTransaction' in db).toBe(true)
    const transfers = (on: Kysely<Database>) => on.selectFrom('transfers').select('amount').orderBy('id').execute()
    await transfers(db)
    await expectFreshAfterWrite({
      read: () => owners(db),
      direct: () => owners(behind),
      changeBehind: RENAME_BEHIND,
      write: async () => {
        const trx = await db.startTransaction().execute()
        await trx.updateTable('accounts').set({ owner: 'kept' }).where('id', '=', 1).execute()
        const afterSavepoint = await trx.savepoint('sp1').execute()
        await afterSavepoint.insertInto('transfers').values({ account_id: 1, amount: '5' }).execute()
        expect(await transfers(afterSavepoint)).toHaveLength(3)
        const rolledBack = await afterSavepoint.rollbackToSavepoint('sp1').execute()
        await rolledBack.commit().execute()
      },
    })
    // The rolled-back insert published nothing: the transfers entry is still a (correct) hit.
    const hits = count('hit')
    expect(await transfers(db)).toStrictEqual(await transfers(behind))
    expect(count('hit')).toBe(hits + 1)
  })

  it('startTransaction: rollback publishes nothing', async () => {
    const { db, count, events } = setup(pool)
    await owners(db)
    const trx = await db.startTransaction().execute()
    await trx.updateTable('accounts').set({ owner: 'never' }).execute()
    await trx.rollback().execute()
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
    expect(count('hit')).toBe(1)
    expect(invalidations(events)).toStrictEqual([])
  })
})

describe('raw transaction control', () => {
  itInvalidates('a savepoint inside db.transaction() through raw SQL: the write after the rolled-back one publishes on commit', async () => {
    const { db, behind } = setup(pool)
    await expectFreshAfterWrite({
      read: () => owners(db),
      direct: () => owners(behind),
      changeBehind: RENAME_BEHIND,
      write: () =>
        db.transaction().execute(async (trx) => {
          await sql`savepoint inner_sp`.execute(trx)
          await trx.updateTable('accounts').set({ owner: 'undone' }).where('id', '=', 2).execute()
          await sql`rollback to savepoint inner_sp`.execute(trx)
          await trx.updateTable('accounts').set({ owner: 'done' }).where('id', '=', 1).execute()
        }),
    })
    expect(await owners(db)).toStrictEqual([{ owner: 'done' }, { owner: 'behind' }])
  })

  itInvalidates('raw BEGIN / COMMIT on one connection: buffered until COMMIT', async () => {
    const { db, behind } = setup(pool)
    await expectFreshAfterWrite({
      read: () => owners(db),
      direct: () => owners(behind),
      changeBehind: RENAME_BEHIND,
      write: () =>
        db.connection().execute(async (conn) => {
          await sql`begin`.execute(conn)
          await conn.updateTable('accounts').set({ owner: 'raw' }).where('id', '=', 1).execute()
          expect(await owners(conn)).toStrictEqual([{ owner: 'raw' }, { owner: 'behind' }])
          await sql`commit`.execute(conn)
        }),
    })
  })

  it('raw BEGIN / ROLLBACK on one connection: nothing published', async () => {
    const { db, count, events } = setup(pool)
    await owners(db)
    await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn)
      await conn.updateTable('accounts').set({ owner: 'raw' }).where('id', '=', 2).execute()
      expect(await owners(conn)).toStrictEqual([{ owner: 'ada' }, { owner: 'raw' }])
      await sql`rollback`.execute(conn)
    })
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
    expect(count('hit')).toBe(1)
    expect(invalidations(events)).toStrictEqual([])
  })
})

describe('kyselyCacheInvalidate inside a transaction', () => {
  itInvalidates("reads the catalog on the transaction's own connection: a pool of one never waits for a second", async () => {
    const single = createPool(1)
    try {
      const { db, behind } = setup(pool, { pool: single, database: `single-${Math.random().toString(36).slice(2)}` })
      await expectFreshAfterWrite({
        read: () => owners(db),
        direct: () => owners(behind),
        changeBehind: RENAME_BEHIND,
        write: () =>
          db.transaction().execute(async (trx) => {
            await pool.query("update accounts set owner = 'outside' where id = 1")
            // An unknown table reads the catalog again (on this connection) before failing.
            const unknown = await kyselyCacheInvalidate(trx, { tables: ['acounts'] }).catch((error: unknown) => error)
            expect(isKvCacheError(unknown, 'UNKNOWN_TABLE')).toBe(true)
            await kyselyCacheInvalidate(trx, { tables: ['accounts'] })
          }),
      })
    } finally {
      await single.end()
    }
  })
})
