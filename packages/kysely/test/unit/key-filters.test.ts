import { describe, expect, it } from 'vitest'
import { assignedColumns, keyConstraints, rowKeysOf, targetsOneTable } from '../../src/key-filters'
import { compilerOnly, KYSELY_VERSIONS } from './versions'

describe.each(KYSELY_VERSIONS)('key filters from the tree (Kysely $version)', ({ kysely }) => {
  const db = compilerOnly(kysely, 'sqlite')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const keysOf = (query: any) => rowKeysOf(keyConstraints(query.compile().query.where?.where))
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const oneTable = (query: any) => targetsOneTable(query.compile().query)

  it('equality, qualified or not, joined by and: every pinned column, as written', () => {
    expect(keysOf(db.selectFrom('posts').selectAll().where('id', '=', 7))).toStrictEqual([{ id: 7 }])
    expect(keysOf(db.selectFrom('posts as p').selectAll().where('p.id', '=', 7).where('title', '=', 'x'))).toStrictEqual([{ id: 7, title: 'x' }])
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const grouped = db
      .selectFrom('posts')
      .selectAll()
      .where((eb: any) => eb.and([eb('ID', '=', 1), eb('views', '>', 3)]))
    expect(keysOf(grouped)).toStrictEqual([{ ID: 1 }])
  })

  it('in lists and composite keys: every combination', () => {
    expect(keysOf(db.selectFrom('posts').selectAll().where('id', 'in', [1, 2]))).toStrictEqual([{ id: 1 }, { id: 2 }])
    const composite = db.selectFrom('post_tags').selectAll().where('post_id', '=', 1).where('tag_id', 'in', [2, 3])
    expect(keysOf(composite)).toStrictEqual([
      { post_id: 1, tag_id: 2 },
      { post_id: 1, tag_id: 3 },
    ])
  })

  it('no key: or, ranges, an empty in list, no where, too many combinations', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(
      keysOf(
        db
          .selectFrom('posts')
          .selectAll()
          .where((eb: any) => eb.or([eb('id', '=', 1), eb('id', '=', 2)])),
      ),
    ).toBeUndefined()
    expect(keysOf(db.selectFrom('posts').selectAll().where('id', '>', 1))).toBeUndefined()
    expect(keysOf(db.selectFrom('posts').selectAll())).toBeUndefined()
    const many = Array.from({ length: 11 }, (_, index) => index)
    expect(keysOf(db.selectFrom('posts').selectAll().where('id', 'in', many).where('author_id', 'in', many))).toBeUndefined()
  })

  it('columns an update assigns', () => {
    expect(assignedColumns(db.updateTable('posts').set({ id: 2, title: 'x' }).where('id', '=', 1).compile().query)).toStrictEqual(['id', 'title'])
  })

  it('the where names one table only when the statement reads or writes that table directly', () => {
    expect(oneTable(db.selectFrom('posts as p').selectAll().where('id', '=', 1))).toBe(true)
    expect(oneTable(db.updateTable('posts').set({ title: 'x' }).where('id', '=', 1))).toBe(true)
    expect(oneTable(db.deleteFrom('posts').where('id', '=', 1))).toBe(true)
    // A CTE may rename columns (`author_id as id`), a derived table too; a join or FROM brings other columns.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(
      oneTable(
        db
          .with('p', (qb: any) => qb.selectFrom('posts').select('author_id as id'))
          .selectFrom('p')
          .selectAll()
          .where('id', '=', 1),
      ),
    ).toBe(false)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(
      oneTable(
        db
          .selectFrom((eb: any) => eb.selectFrom('posts').select('author_id as id').as('p'))
          .selectAll()
          .where('id', '=', 1),
      ),
    ).toBe(false)
    expect(oneTable(db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').selectAll().where('users.id', '=', 1))).toBe(false)
    expect(oneTable(db.updateTable('posts').from('users').set({ title: 'x' }).where('users.id', '=', 1))).toBe(false)
    expect(oneTable(db.deleteFrom('posts').using('users').where('users.id', '=', 1))).toBe(false)
  })
})
