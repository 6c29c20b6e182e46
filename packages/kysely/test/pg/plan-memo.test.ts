// The core planner learns each compiled SQL text once per catalog (the tree is walked once): a
// migration that adds a foreign key gives a new catalog, and the same statement text then
// invalidates what the new cascade reaches.
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import type { Kysely } from 'kysely'
import { beforeEach, describe, expect, it } from 'vitest'
import { setup, usePostgres } from './setup'

interface Family {
  memo_parents: { id: number; name: string }
  memo_children: { id: number; parent_id: number; note: string }
}

const pool = usePostgres()

beforeEach(async () => {
  await pool.query('DROP TABLE IF EXISTS memo_children, memo_parents')
  await pool.query('CREATE TABLE memo_parents (id integer PRIMARY KEY, name text NOT NULL)')
  // No foreign key yet: a delete of a parent changes no child.
  await pool.query('CREATE TABLE memo_children (id integer PRIMARY KEY, parent_id integer NOT NULL, note text NOT NULL)')
  await pool.query("INSERT INTO memo_parents VALUES (1, 'p1'), (2, 'p2'), (3, 'p3'), (4, 'p4')")
  await pool.query("INSERT INTO memo_children VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c')")
})

const family = (pool: Parameters<typeof setup>[0]) => {
  const { db: cached, behind: plain, count } = setup(pool)
  const db = cached as unknown as Kysely<Family>
  const behind = plain as unknown as Kysely<Family>
  const children = (on: Kysely<Family>) => on.selectFrom('memo_children').select(['id', 'note']).orderBy('id').execute()
  // Pins no rows (`like`, not `=`): every call shares one memoised plan of this text.
  const removeParent = (name: string) => db.deleteFrom('memo_parents').where('name', 'like', name).execute()
  return { db, behind, count, children, removeParent }
}

describe('a statement text planned before a migration (PostgreSQL)', () => {
  it('before the foreign key exists, deleting a parent leaves the cached children read alone', async () => {
    const { db, count, children, removeParent } = family(pool)
    await children(db)
    await removeParent('p1')
    await removeParent('p2')
    await pool.query("update memo_children set note = 'behind' where id = 3")
    expect((await children(db)).at(-1)?.note).toBe('c')
    expect(count('hit')).toBe(1)
  })

  itInvalidates('after a foreign key is added through Kysely, the same delete text invalidates the cascaded children', async () => {
    const { db, behind, children, removeParent } = family(pool)
    await children(db)
    // Planned (and learned) while no foreign key exists; p4 has no children, so the key can be added.
    await removeParent('p4')
    await db.schema
      .alterTable('memo_children')
      .addForeignKeyConstraint('memo_children_parent', ['parent_id'], 'memo_parents', ['id'])
      .onDelete('cascade')
      .execute()
    await expectFreshAfterWrite({
      read: () => children(db),
      direct: () => children(behind),
      changeBehind: () => pool.query("update memo_children set note = 'behind' where id = 3"),
      write: () => removeParent('p2'),
    })
  })

  itInvalidates('reads by key with one text take their own rows: a write of row 2 leaves row 1 cached and refreshes row 2', async () => {
    const { db, behind, count, removeParent } = family(pool)
    const parent = (on: Kysely<Family>, id: number) => on.selectFrom('memo_parents').select('name').where('id', '=', id).execute()
    expect(await parent(db, 1)).toStrictEqual([{ name: 'p1' }])
    await expectFreshAfterWrite({
      read: () => parent(db, 2),
      direct: () => parent(behind, 2),
      changeBehind: () => pool.query("update memo_parents set name = 'behind' where id = 2"),
      write: () => db.updateTable('memo_parents').set({ name: 'written' }).where('id', '=', 2).execute(),
    })
    const hits = count('hit')
    expect(await parent(db, 1)).toStrictEqual([{ name: 'p1' }])
    expect(count('hit')).toBe(hits + 1)
    await removeParent('none')
  })
})
