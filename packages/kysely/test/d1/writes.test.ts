import { CompiledQuery, sql, type Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Database } from './schema'
import { DB, setup } from './setup'

type Db = Kysely<Database>

/** Fills the cache with a read of `table`, proves it is served cached, runs `write`, expects the fresh rows. */
async function freshAfter(write: (db: Db) => Promise<unknown>, table: 'users' | 'posts' | 'comments' = 'posts', options = {}) {
  const { db, behind, count } = await setup(options)
  const read = (on: Db) => on.selectFrom(table).selectAll().orderBy('id').execute()
  const before = await read(db)
  await read(db)
  expect(count('hit')).toBe(1)
  await write(db)
  const after = await read(db)
  expect(after).toStrictEqual(await read(behind))
  expect(after).not.toStrictEqual(before)
}

describe('every kind of write invalidates what it changed', () => {
  it('insert', () => freshAfter((db) => db.insertInto('posts').values({ id: 3, author_id: 1, title: 'New', created_at: 0, cover: null }).execute()))
  it('update', () => freshAfter((db) => db.updateTable('posts').set({ title: 'Changed' }).where('id', '=', 1).execute()))
  it('delete', () => freshAfter((db) => db.deleteFrom('posts').where('id', '=', 2).execute()))
  it('upsert (on conflict do update)', () =>
    freshAfter((db) =>
      db
        .insertInto('posts')
        .values({ id: 1, author_id: 1, title: 'Upserted', created_at: 0, cover: null })
        .onConflict((oc) => oc.column('id').doUpdateSet({ title: 'Upserted' }))
        .execute(),
    ))
  it('replace into', () => freshAfter((db) => db.replaceInto('users').values({ id: 1, name: 'Replaced' }).execute(), 'users'))
  it('insert ... select', () =>
    freshAfter(
      (db) =>
        db
          .insertInto('comments')
          .columns(['id', 'post_id', 'body'])
          .expression((eb) => eb.selectFrom('posts').select([sql<number>`id + 10`.as('id'), 'id as post_id', 'title as body']))
          .execute(),
      'comments',
    ))
  it('update ... from', () =>
    freshAfter((db) => db.updateTable('posts').from('users').set((eb) => ({ title: eb.ref('users.name') })).whereRef('users.id', '=', 'posts.author_id').execute()))
  it('delete with a subquery', () =>
    freshAfter((db) => db.deleteFrom('posts').where('author_id', 'in', (eb) => eb.selectFrom('users').select('id').where('name', '=', 'Ada')).execute()))
  it('with ... insert', () =>
    freshAfter(
      (db) =>
        db
          .with('source', (qb) => qb.selectFrom('users').select(['id', 'name']).where('id', '=', 2))
          .insertInto('comments')
          .columns(['id', 'post_id', 'body'])
          .expression((eb) => eb.selectFrom('source').select([sql<number>`id + 10`.as('id'), sql<number>`1`.as('post_id'), 'name as body']))
          .execute(),
      'comments',
    ))
  it('raw SQL through sql``', () => freshAfter((db) => sql`update posts set title = ${'raw'} where id = ${1}`.execute(db)))
  it('raw SQL through CompiledQuery.raw', () => freshAfter((db) => db.executeQuery(CompiledQuery.raw('delete from comments where id = ?', [1])), 'comments'))
  it('ON DELETE CASCADE (learned from the catalog)', () => freshAfter((db) => db.deleteFrom('users').where('id', '=', 1).execute(), 'comments'))
  it('schema changes invalidate everything', () =>
    freshAfter(async (db) => {
      await db.schema.alterTable('posts').addColumn('extra', 'text').execute()
    }))
  it('a write that fails still leaves the cache correct', async () => {
    const { db, behind } = await setup()
    const read = (on: Db) => on.selectFrom('posts').select('title').orderBy('id').execute()
    await read(db)
    await expect(db.insertInto('posts').values({ id: 1, author_id: 1, title: 'dup', created_at: 0, cover: null }).execute()).rejects.toThrow()
    expect(await read(db)).toStrictEqual(await read(behind))
  })
  it('a write of a table no read depends on leaves other entries cached', async () => {
    const { db, count } = await setup()
    const read = () => db.selectFrom('users').select('name').orderBy('id').execute()
    await read()
    await db.insertInto('comments').values({ id: 2, post_id: 1, body: 'unrelated' }).execute()
    await DB.prepare("update users set name = 'behind' where id = 1").run()
    expect(await read()).toStrictEqual([{ name: 'Ada' }, { name: 'Grace' }])
    expect(count('hit')).toBe(1)
  })
})
