import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { sql, type Kysely } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import { describe, expect, inject, it } from 'vitest'
import { loadedKyselyVersion } from '../version'
import { schemaName, setup, usePostgres, type Database } from './setup'

type Db = Kysely<Database>
type Write = (db: Db) => Promise<unknown>

const pool = usePostgres()
const RENAME_BEHIND = "update accounts set owner = 'behind' where id = 1"

/** Fill, prove the read is served from the cache (`changeBehind` on the plain pool is not seen), write the table through the cache, expect the database's value. */
function eachTableInvalidates(read: (db: Db) => Promise<unknown>, writes: Record<string, Write>, changeBehind = RENAME_BEHIND) {
  for (const [table, write] of Object.entries(writes)) {
    itInvalidates(`a write to ${table}`, async () => {
      const { db, behind } = setup(pool)
      await expectFreshAfterWrite({ read: () => read(db), direct: () => read(behind), changeBehind: () => pool.query(changeBehind), write: () => write(db) })
    })
  }
}

const renameAda: Write = (db) => db.updateTable('accounts').set({ owner: 'Ada' }).where('id', '=', 1).execute()
const addTransfer: Write = (db) => db.insertInto('transfers').values({ account_id: 1, amount: '1' }).execute()

it('runs on the Kysely version this project pins', () => {
  expect(loadedKyselyVersion()).toBe(inject('kyselyVersion'))
})

describe('LATERAL join', () => {
  const read = (db: Db) =>
    db
      .selectFrom('accounts')
      .innerJoinLateral(
        (eb) => eb.selectFrom('transfers').select('amount').whereRef('transfers.account_id', '=', 'accounts.id').orderBy('amount', 'desc').limit(1).as('top'),
        (join) => join.onTrue(),
      )
      .select(['owner', 'top.amount'])
      .orderBy('owner')
      .execute()
  eachTableInvalidates(read, {
    accounts: renameAda,
    transfers: (db) => db.updateTable('transfers').set({ amount: '99' }).where('account_id', '=', 2).execute(),
  })
})

describe('a CTE named like the table it reads (PostgreSQL reads the real table)', () => {
  const read = (db: Db) =>
    db
      .with('accounts', (qb) => qb.selectFrom('accounts').select('owner').where('id', '=', 1))
      .selectFrom('accounts')
      .select('owner')
      .execute()
  eachTableInvalidates(read, { accounts: renameAda })
})

describe('jsonArrayFrom (PostgreSQL helper)', () => {
  const read = (db: Db) =>
    db
      .selectFrom('accounts')
      .select((eb) => [
        'owner',
        jsonArrayFrom(eb.selectFrom('transfers').select('amount').whereRef('transfers.account_id', '=', 'accounts.id').orderBy('id')).as('transfers'),
      ])
      .orderBy('id')
      .execute()
  eachTableInvalidates(read, { accounts: renameAda, transfers: addTransfer })
})

describe('withSchema: qualified and unqualified names of the same table share invalidation', () => {
  const qualified = (db: Db) => db.withSchema(schemaName).selectFrom('accounts').select('owner').orderBy('id').execute()
  eachTableInvalidates(qualified, { 'accounts (unqualified)': renameAda })
  const unqualified = (db: Db) => db.selectFrom('accounts').select('owner').orderBy('id').execute()
  eachTableInvalidates(unqualified, { [`${schemaName}.accounts`]: (db) => db.withSchema(schemaName).updateTable('accounts').set({ owner: 'Q' }).execute() })
})

describe('writes PostgreSQL can express', () => {
  const owners = (db: Db) => db.selectFrom('accounts').select('owner').orderBy('id').execute()
  eachTableInvalidates(owners, {
    'accounts (a data-modifying CTE under a SELECT root)': (db) =>
      db
        .with('moved', (qb) => qb.updateTable('accounts').set({ owner: 'moved' }).where('id', '=', 2).returning('id'))
        .selectFrom('moved')
        .selectAll()
        .execute(),
    'accounts (UPDATE ... FROM)': (db) =>
      db
        .updateTable('accounts')
        .from('staging')
        .set((eb) => ({ owner: sql`upper(${eb.ref('staging.owner')})` }))
        .whereRef('staging.id', '=', 'accounts.id')
        .execute(),
    'accounts (DELETE ... USING)': (db) => db.deleteFrom('accounts').using('staging').whereRef('staging.id', '=', 'accounts.id').execute(),
    'accounts (MERGE)': (db) => db.mergeInto('accounts as a').using('staging as s', 's.id', 'a.id').whenMatched().thenUpdateSet({ owner: 'merged' }).execute(),
  })
  const transfers = (db: Db) => db.selectFrom('transfers').select('amount').orderBy('id').execute()
  eachTableInvalidates(
    transfers,
    { 'transfers (ON DELETE CASCADE from accounts, learned from the catalog)': (db) => db.deleteFrom('accounts').where('id', '=', 1).execute() },
    'update transfers set amount = 99 where id = 2',
  )
})

// This suite's connections resolve unqualified names in its own schema (search_path): `accounts`
// and `<schema>.accounts` are one table, and each spelling's write must invalidate the other's read.
describe('one table, spelled with and without its schema', () => {
  const reads: Record<string, (db: Db) => Promise<unknown>> = {
    unqualified: (db) => db.selectFrom('accounts').select('owner').orderBy('id').execute(),
    'unqualified by key': (db) => db.selectFrom('accounts').select('owner').where('id', '=', 1).execute(),
    'withSchema by key': (db) => db.withSchema(schemaName).selectFrom('accounts').select('owner').where('id', '=', 1).execute(),
    'raw qualified': (db) => sql`select owner from ${sql.id(schemaName, 'accounts')} order by id`.execute(db).then((result) => result.rows),
  }
  const writes: Record<string, Write> = {
    'accounts (raw, unqualified)': (db) => sql`update accounts set owner = 'X' where id = 1`.execute(db),
    'accounts (raw, qualified)': (db) => sql`update ${sql.id(schemaName, 'accounts')} set owner = 'X' where id = 1`.execute(db),
    'accounts (builder)': renameAda,
    'accounts (builder, withSchema)': (db) => db.withSchema(schemaName).updateTable('accounts').set({ owner: 'X' }).where('id', '=', 1).execute(),
  }
  for (const [spelling, read] of Object.entries(reads)) describe(`read ${spelling}`, () => eachTableInvalidates(read, writes))
})
