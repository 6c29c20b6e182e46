import { sql, type Kysely } from 'kysely'
import { describe, expect, inject, it } from 'vitest'
import { setup, usePostgres, type Database } from './setup'

const pool = usePostgres()
const owners = (db: Kysely<Database>) => db.selectFrom('accounts').select('owner').orderBy('id').execute()
const ADA_GRACE = [{ owner: 'ada' }, { owner: 'grace' }]

describe('db.transaction().execute()', () => {
  it('reads inside bypass the cache and see the transaction; invalidations publish on commit', async () => {
    const { db, count } = setup(pool)
    await owners(db)
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ owner: 'inside' }).where('id', '=', 1).execute()
      expect(await owners(trx)).toStrictEqual([{ owner: 'inside' }, { owner: 'grace' }])
      // Other connections still see the committed rows, and may still be served from the cache.
      expect(await owners(db)).toStrictEqual(ADA_GRACE)
    })
    expect(count('hit')).toBe(1)
    expect(await owners(db)).toStrictEqual([{ owner: 'inside' }, { owner: 'grace' }])
  })

  it('a rollback drops the invalidations: cached entries stay valid and correct', async () => {
    const { db, count } = setup(pool)
    await owners(db)
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.updateTable('accounts').set({ owner: 'never' }).execute()
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
    expect(count('hit')).toBe(1)
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
})

describe('controlled transactions and savepoints', () => {
  it('startTransaction: commit publishes, and a rolled-back savepoint drops only what came after it', async () => {
    // An update of a non-key column of accounts changes nothing in transfers (its foreign key acts on delete).
    const { db, behind, count } = setup(pool)
    if (!('startTransaction' in db)) {
      // Kysely 0.27 has no controlled transactions.
      expect(inject('kyselyVersion')).toBe('0.27')
      return
    }
    const transfers = (on: Kysely<Database>) => on.selectFrom('transfers').select('amount').orderBy('id').execute()
    await owners(db)
    await transfers(db)
    const trx = await db.startTransaction().execute()
    await trx.updateTable('accounts').set({ owner: 'kept' }).where('id', '=', 1).execute()
    const afterSavepoint = await trx.savepoint('sp1').execute()
    await afterSavepoint.insertInto('transfers').values({ account_id: 1, amount: '5' }).execute()
    expect(await transfers(afterSavepoint)).toHaveLength(3)
    const rolledBack = await afterSavepoint.rollbackToSavepoint('sp1').execute()
    await rolledBack.commit().execute()
    expect(await owners(db)).toStrictEqual([{ owner: 'kept' }, { owner: 'grace' }])
    // The rolled-back insert published nothing: the transfers entry is still a (correct) hit.
    expect(await transfers(db)).toStrictEqual(await transfers(behind))
    expect(count('hit')).toBe(1)
  })

  it('startTransaction: rollback publishes nothing', async () => {
    const { db, count } = setup(pool)
    if (!('startTransaction' in db)) return expect(inject('kyselyVersion')).toBe('0.27')
    await owners(db)
    const trx = await db.startTransaction().execute()
    await trx.updateTable('accounts').set({ owner: 'never' }).execute()
    await trx.rollback().execute()
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
    expect(count('hit')).toBe(1)
  })

  it('a savepoint inside db.transaction() via a nested transaction of raw SQL', async () => {
    const { db } = setup(pool)
    await owners(db)
    await db.transaction().execute(async (trx) => {
      await sql`savepoint inner_sp`.execute(trx)
      await trx.updateTable('accounts').set({ owner: 'undone' }).where('id', '=', 2).execute()
      await sql`rollback to savepoint inner_sp`.execute(trx)
      await trx.updateTable('accounts').set({ owner: 'done' }).where('id', '=', 1).execute()
    })
    expect(await owners(db)).toStrictEqual([{ owner: 'done' }, { owner: 'grace' }])
  })
})

describe('raw BEGIN / COMMIT on one connection', () => {
  it('buffer until COMMIT, and a ROLLBACK drops them', async () => {
    const { db, count } = setup(pool)
    await owners(db)
    await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn)
      await conn.updateTable('accounts').set({ owner: 'raw' }).where('id', '=', 2).execute()
      expect(await owners(conn)).toStrictEqual([{ owner: 'ada' }, { owner: 'raw' }])
      await sql`rollback`.execute(conn)
    })
    expect(await owners(db)).toStrictEqual(ADA_GRACE)
    expect(count('hit')).toBe(1)
    await db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn)
      await conn.updateTable('accounts').set({ owner: 'raw' }).where('id', '=', 2).execute()
      await sql`commit`.execute(conn)
    })
    expect(await owners(db)).toStrictEqual([{ owner: 'ada' }, { owner: 'raw' }])
  })
})
