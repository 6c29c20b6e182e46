// What the operation-node tree tells the core's quiet rule: the columns an UPDATE's SET assigns,
// only for an update of one table (every Kysely version this package supports).
import type { WriteDescription } from '@kvcache/core/sql'
import { describe, expect, it } from 'vitest'
import { describeQuery } from '../../src/describe-query'
import { compilerOnly, KYSELY_VERSIONS } from './versions'

describe.each(KYSELY_VERSIONS)('SET columns in a described update (Kysely $version)', ({ kysely }) => {
  const db = compilerOnly(kysely, 'postgres')
  const { sql } = kysely as typeof import('kysely')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const writes = (query: any): readonly WriteDescription[] => {
    const { input } = describeQuery(query.compile(), 'postgres')
    if (!('operation' in input)) throw new Error('described by its SQL text')
    return input.operation.writes ?? []
  }
  const columnsOf = (query: unknown) => writes(query).map((write) => write.columns)

  it('an update names the columns it sets, plain values, expressions and raw values alike', () => {
    expect(columnsOf(db.updateTable('posts').set({ views: 1 }).where('id', '=', 1))).toStrictEqual([['views']])
    expect(columnsOf(db.updateTable('posts').set((eb: any) => ({ views: eb('views', '+', 1), title: sql`upper(title)` })))).toStrictEqual([['views', 'title']])
    expect(columnsOf(db.updateTable('posts as p').set({ views: 0 }).from('stats').whereRef('p.id', '=', 'stats.id'))).toStrictEqual([['views']])
  })

  it('inserts, upserts, deletes and an update with a data-modifying CTE carry no columns', () => {
    expect(columnsOf(db.insertInto('posts').values({ id: 1, views: 1 }))).toStrictEqual([undefined])
    const upsert = db
      .insertInto('posts')
      .values({ id: 1, views: 1 })
      .onConflict((oc: any) => oc.column('id').doUpdateSet({ views: 2 }))
    expect(columnsOf(upsert).every((columns) => columns === undefined)).toBe(true)
    expect(columnsOf(db.deleteFrom('posts').where('id', '=', 1))).toStrictEqual([undefined])
    const cte = db
      .with('gone', (qb: any) => qb.deleteFrom('comments').returning('post_id'))
      .updateTable('posts')
      .set({ views: 0 })
    expect(columnsOf(cte).every((columns) => columns === undefined)).toBe(true)
  })
})
