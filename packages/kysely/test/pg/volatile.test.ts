// Raw fragments inside a builder query are read by the core's SQL reader: a volatile one makes the
// read uncacheable, one that writes makes the statement a write of what it writes.
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { describe, expect, it } from 'vitest'
import { setup, usePostgres, type Database } from './setup'

const pool = usePostgres()
const ownerOf = (db: Kysely<Database>, extra?: RawBuilder<unknown>) =>
  db
    .selectFrom('accounts')
    .select(extra ? ['owner', extra.as('extra')] : ['owner'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow() as Promise<{ owner: string }>

describe('a builder read selecting a volatile raw fragment is not cached (PostgreSQL)', () => {
  for (const [text, fragment] of Object.entries({ 'now()': sql`now()`, 'random()': sql`random()`, current_timestamp: sql`current_timestamp` })) {
    it(`sql\`${text}\``, async () => {
      const { db, count } = setup(pool)
      expect((await ownerOf(db, fragment)).owner).toBe('ada')
      await pool.query("update accounts set owner = 'behind' where id = 1")
      expect((await ownerOf(db, fragment)).owner).toBe('behind')
      expect(count('hit') + count('miss')).toBe(0)
    })
  }

  it('the same read without the fragment is cached', async () => {
    const { db, count } = setup(pool)
    expect((await ownerOf(db)).owner).toBe('ada')
    await pool.query("update accounts set owner = 'behind' where id = 1")
    expect((await ownerOf(db)).owner).toBe('ada')
    expect(count('hit')).toBe(1)
  })
})

describe('a raw fragment that writes', () => {
  itInvalidates('a data-modifying CTE written with sql`` under a SELECT bumps the table it updates', async () => {
    const { db, behind } = setup(pool)
    const owners = (on: Kysely<Database>) => on.selectFrom('accounts').select('owner').orderBy('id').execute()
    await expectFreshAfterWrite({
      read: () => owners(db),
      direct: () => owners(behind),
      changeBehind: () => pool.query("update accounts set owner = 'behind' where id = 1"),
      write: () =>
        db
          .with('moved', () => sql<{ id: number }>`(update accounts set owner = 'moved' where id = 2 returning id)`)
          .selectFrom('moved')
          .selectAll()
          .execute(),
    })
  })
})
