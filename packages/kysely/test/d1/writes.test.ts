import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { CompiledQuery, sql, type Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Database } from './schema'
import { behindTheCache, setup } from './setup'

type Db = Kysely<Database>
type Table = 'users' | 'posts' | 'comments'

/** A change behind the cache to each table, so a read served from the cache is told apart from a fresh one. */
const CHANGE_BEHIND: Record<Table, string> = {
  users: "update users set name = 'behind' where id = 2",
  posts: "update posts set title = 'behind' where id = 2",
  comments: "update comments set body = 'behind' where id = 1",
}

/** Fills a read of `table`, proves it is served from the cache, runs `write`, and expects the database's rows. */
function freshAfter(write: (db: Db) => Promise<unknown>, table: Table = 'posts') {
  return async () => {
    const { db, behind } = await setup()
    const read = (on: Db) => on.selectFrom(table).selectAll().orderBy('id').execute()
    await expectFreshAfterWrite({
      read: () => read(db),
      direct: () => read(behind),
      changeBehind: () => behindTheCache(CHANGE_BEHIND[table]),
      write: () => write(db),
    })
  }
}

describe('every kind of write invalidates what it changed', () => {
  itInvalidates(
    'insert',
    freshAfter((db) => db.insertInto('posts').values({ id: 3, author_id: 1, title: 'New', created_at: 0, cover: null }).execute()),
  )
  itInvalidates(
    'update',
    freshAfter((db) => db.updateTable('posts').set({ title: 'Changed' }).where('id', '=', 1).execute()),
  )
  itInvalidates(
    'delete',
    freshAfter((db) => db.deleteFrom('posts').where('id', '=', 1).execute()),
  )
  itInvalidates(
    'upsert (on conflict do update)',
    freshAfter((db) =>
      db
        .insertInto('posts')
        .values({ id: 1, author_id: 1, title: 'Upserted', created_at: 0, cover: null })
        .onConflict((oc) => oc.column('id').doUpdateSet({ title: 'Upserted' }))
        .execute(),
    ),
  )
  itInvalidates(
    'replace into',
    freshAfter((db) => db.replaceInto('users').values({ id: 1, name: 'Replaced' }).execute(), 'users'),
  )
  itInvalidates(
    'insert ... select',
    freshAfter(
      (db) =>
        db
          .insertInto('comments')
          .columns(['id', 'post_id', 'body'])
          .expression((eb) => eb.selectFrom('posts').select([sql<number>`id + 10`.as('id'), 'id as post_id', 'title as body']))
          .execute(),
      'comments',
    ),
  )
  itInvalidates(
    'update ... from',
    freshAfter((db) =>
      db
        .updateTable('posts')
        .from('users')
        .set((eb) => ({ title: eb.ref('users.name') }))
        .whereRef('users.id', '=', 'posts.author_id')
        .execute(),
    ),
  )
  // Names a user's row by key, but updates every post: the rows pinned belong to another table.
  itInvalidates(
    'update ... from, pinned by the key of the joined table',
    freshAfter((db) => db.updateTable('posts').from('users').set({ title: 'joined' }).where('users.id', '=', 1).execute()),
  )
  itInvalidates(
    'delete with a subquery',
    freshAfter((db) =>
      db
        .deleteFrom('posts')
        .where('author_id', 'in', (eb) => eb.selectFrom('users').select('id').where('name', '=', 'Ada'))
        .execute(),
    ),
  )
  itInvalidates(
    'with ... insert',
    freshAfter(
      (db) =>
        db
          .with('source', (qb) => qb.selectFrom('users').select(['id', 'name']).where('id', '=', 2))
          .insertInto('comments')
          .columns(['id', 'post_id', 'body'])
          .expression((eb) => eb.selectFrom('source').select([sql<number>`id + 10`.as('id'), sql<number>`1`.as('post_id'), 'name as body']))
          .execute(),
      'comments',
    ),
  )
  itInvalidates(
    'raw SQL through sql``',
    freshAfter((db) => sql`update posts set title = ${'raw'} where id = ${1}`.execute(db)),
  )
  itInvalidates(
    'raw SQL through CompiledQuery.raw',
    freshAfter((db) => db.executeQuery(CompiledQuery.raw('delete from comments where id = ?', [1])), 'comments'),
  )
  itInvalidates(
    'ON DELETE CASCADE (learned from the catalog)',
    freshAfter((db) => db.deleteFrom('users').where('id', '=', 1).execute(), 'comments'),
  )
  itInvalidates(
    'schema changes invalidate everything',
    freshAfter(async (db) => {
      await db.schema.alterTable('posts').addColumn('extra', 'text').execute()
    }),
  )
  // A write that fails may still have committed (a timeout): it invalidates anyway.
  itInvalidates(
    'a write that fails',
    freshAfter(async (db) => {
      await expect(db.insertInto('posts').values({ id: 1, author_id: 1, title: 'dup', created_at: 0, cover: null }).execute()).rejects.toThrow()
    }),
  )

  it('a write of a table no read depends on leaves other entries cached', async () => {
    const { db, count } = await setup()
    const read = () => db.selectFrom('users').select('name').orderBy('id').execute()
    await read()
    await db.insertInto('comments').values({ id: 2, post_id: 1, body: 'unrelated' }).execute()
    await behindTheCache("update users set name = 'behind' where id = 1")
    expect(await read()).toStrictEqual([{ name: 'Ada' }, { name: 'Grace' }])
    expect(count('hit')).toBe(1)
  })
})
