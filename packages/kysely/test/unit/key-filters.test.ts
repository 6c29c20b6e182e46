import { describe, expect, it } from 'vitest'
import { assignedColumns, keyConstraints, rowKeysOf } from '../../src/key-filters'
import { compilerOnly, KYSELY_VERSIONS } from './versions'

describe.each(KYSELY_VERSIONS)('key filters from the tree (Kysely $version)', ({ kysely }) => {
  const db = compilerOnly(kysely, 'sqlite')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const keysOf = (query: any, primaryKey: string[]) => rowKeysOf(keyConstraints(query.compile().query.where?.where), primaryKey)

  it('equality, qualified or not, joined by and', () => {
    expect(keysOf(db.selectFrom('posts').selectAll().where('id', '=', 7), ['id'])).toStrictEqual([{ id: 7 }])
    expect(keysOf(db.selectFrom('posts as p').selectAll().where('p.id', '=', 7).where('title', '=', 'x'), ['id'])).toStrictEqual([{ id: 7 }])
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const grouped = db.selectFrom('posts').selectAll().where((eb: any) => eb.and([eb('id', '=', 1), eb('views', '>', 3)]))
    expect(keysOf(grouped, ['id'])).toStrictEqual([{ id: 1 }])
  })

  it('in lists and composite keys', () => {
    expect(keysOf(db.selectFrom('posts').selectAll().where('id', 'in', [1, 2]), ['id'])).toStrictEqual([{ id: 1 }, { id: 2 }])
    const composite = db.selectFrom('post_tags').selectAll().where('post_id', '=', 1).where('tag_id', 'in', [2, 3])
    expect(keysOf(composite, ['post_id', 'tag_id'])).toStrictEqual([
      { post_id: 1, tag_id: 2 },
      { post_id: 1, tag_id: 3 },
    ])
  })

  it('no key: or, ranges, a missing key column, no where', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(keysOf(db.selectFrom('posts').selectAll().where((eb: any) => eb.or([eb('id', '=', 1), eb('id', '=', 2)])), ['id'])).toBeUndefined()
    expect(keysOf(db.selectFrom('posts').selectAll().where('id', '>', 1), ['id'])).toBeUndefined()
    expect(keysOf(db.selectFrom('post_tags').selectAll().where('post_id', '=', 1), ['post_id', 'tag_id'])).toBeUndefined()
    expect(keysOf(db.selectFrom('posts').selectAll(), ['id'])).toBeUndefined()
  })

  it('columns an update assigns', () => {
    expect(assignedColumns(db.updateTable('posts').set({ id: 2, title: 'x' }).where('id', '=', 1).compile().query)).toStrictEqual(['id', 'title'])
  })
})
