import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { sql, type Kysely } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/sqlite'
import { describe, expect, inject, it } from 'vitest'
import { loadedKyselyVersion } from '../version'
import type { Database } from './schema'
import { behindTheCache, setup } from './setup'

type Db = Kysely<Database>
type Write = (db: Db) => Promise<unknown>

const RETITLE_BEHIND = "update posts set title = 'behind' where id = 1"

/**
 * For one read shape and each table it reads: fill the cache, prove the read is served from it
 * (`changeBehind` is not seen), write that table through the cached dialect, and expect the
 * database's value.
 */
function eachTableInvalidates(read: (db: Db) => Promise<unknown>, writes: Record<string, Write>, changeBehind = RETITLE_BEHIND) {
  for (const [table, write] of Object.entries(writes)) {
    itInvalidates(`a write to ${table}`, async () => {
      const { db, behind } = await setup()
      await expectFreshAfterWrite({
        read: () => read(db),
        direct: () => read(behind),
        changeBehind: () => behindTheCache(changeBehind),
        write: () => write(db),
      })
    })
  }
}

const RENAME_BEHIND = "update users set name = 'behind' where id = 2"

const renameAda: Write = (db) => db.updateTable('users').set({ name: 'Grace' }).where('id', '=', 1).execute()
const retitle: Write = (db) => db.updateTable('posts').set({ title: 'Changed' }).where('id', '=', 2).execute()
const addPost: Write = (db) => db.insertInto('posts').values({ id: 3, author_id: 1, title: 'Third', created_at: 0, cover: null }).execute()
const addComment: Write = (db) => db.insertInto('comments').values({ id: 2, post_id: 2, body: 'Ada' }).execute()

it('runs on the Kysely version this project pins', () => {
  expect(loadedKyselyVersion()).toBe(inject('kyselyVersion'))
})

describe('FROM', () => {
  eachTableInvalidates((db) => db.selectFrom('posts').select('title').orderBy('id').execute(), { posts: retitle })
})

describe('INNER JOIN', () => {
  const read = (db: Db) => db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.author_id').select(['title', 'name']).orderBy('posts.id').execute()
  eachTableInvalidates(read, { posts: retitle, users: renameAda })
})

describe('LEFT JOIN', () => {
  const read = (db: Db) =>
    db.selectFrom('users').leftJoin('posts', 'posts.author_id', 'users.id').select(['name', 'title']).orderBy('users.id').orderBy('posts.id').execute()
  const addUser: Write = (db) => db.insertInto('users').values({ id: 3, name: 'Linus' }).execute()
  eachTableInvalidates(read, { users: addUser, posts: addPost })
})

describe('subquery in SELECT', () => {
  const read = (db: Db) =>
    db
      .selectFrom('users')
      .select((eb) => ['name', eb.selectFrom('posts').select(eb.fn.countAll().as('n')).whereRef('posts.author_id', '=', 'users.id').as('posts')])
      .orderBy('id')
      .execute()
  eachTableInvalidates(read, { users: renameAda, posts: addPost }, RENAME_BEHIND)
})

describe('subquery in WHERE', () => {
  const read = (db: Db) =>
    db
      .selectFrom('posts')
      .select('title')
      .where('author_id', 'in', (eb) => eb.selectFrom('users').select('id').where('name', '=', 'Grace'))
      .orderBy('id')
      .execute()
  eachTableInvalidates(read, { posts: retitle, users: renameAda }, "update posts set title = 'behind' where id = 2")
})

describe('EXISTS subquery', () => {
  const read = (db: Db) =>
    db
      .selectFrom('posts')
      .select('title')
      .where((eb) => eb.exists(eb.selectFrom('comments').select('id').whereRef('comments.post_id', '=', 'posts.id')))
      .execute()
  eachTableInvalidates(read, { posts: (db) => db.updateTable('posts').set({ title: 'Hi' }).where('id', '=', 1).execute(), comments: addComment })
})

describe('subquery in HAVING', () => {
  const read = (db: Db) =>
    db
      .selectFrom('posts')
      .select('author_id')
      .groupBy('author_id')
      .having((eb) => eb(eb.fn.countAll(), '>=', eb.selectFrom('comments').select(eb.fn.countAll().as('n'))))
      .orderBy('author_id')
      .execute()
  const moreComments = "insert into comments (id, post_id, body) values (10, 1, 'behind'), (11, 1, 'behind')"
  eachTableInvalidates(read, { posts: (db) => db.deleteFrom('posts').where('id', '=', 2).execute(), comments: addComment }, moreComments)
})

describe('UNION, EXCEPT, INTERSECT', () => {
  const union = (db: Db) => db.selectFrom('users').select('name').union(db.selectFrom('comments').select('body as name')).orderBy('name').execute()
  const addUser: Write = (db) => db.insertInto('users').values({ id: 3, name: 'Zed' }).execute()
  const addOtherComment: Write = (db) => db.insertInto('comments').values({ id: 2, post_id: 2, body: 'Zed' }).execute()
  eachTableInvalidates(union, { users: addUser, comments: addOtherComment }, RENAME_BEHIND)
  const except = (db: Db) => db.selectFrom('users').select('name').except(db.selectFrom('comments').select('body as name')).orderBy('name').execute()
  eachTableInvalidates(except, { 'users (EXCEPT)': addUser, 'comments (EXCEPT)': addComment }, RENAME_BEHIND)
  const intersect = (db: Db) => db.selectFrom('users').select('name').intersect(db.selectFrom('comments').select('body as name')).execute()
  eachTableInvalidates(intersect, { 'comments (INTERSECT)': addComment }, "insert into comments (id, post_id, body) values (10, 1, 'Grace')")
})

describe('CTE', () => {
  const read = (db: Db) =>
    db
      .with('popular', (qb) => qb.selectFrom('posts').select(['author_id', 'title']).where('views', '>', 5))
      .selectFrom('popular')
      .innerJoin('users', 'users.id', 'popular.author_id')
      .select(['title', 'name'])
      .orderBy('title')
      .execute()
  eachTableInvalidates(read, { posts: (db) => db.updateTable('posts').set({ views: 0 }).where('id', '=', 1).execute(), users: renameAda })
})

describe('withSchema', () => {
  const read = (db: Db) => db.withSchema('main').selectFrom('posts').select('title').orderBy('id').execute()
  eachTableInvalidates(read, { 'posts (unqualified)': retitle })
})

describe('a declared view', () => {
  const read = (db: Db) => db.selectFrom('published_titles').selectAll().orderBy('id').execute()
  eachTableInvalidates(read, { posts: retitle, users: renameAda })
})

describe('jsonArrayFrom (a raw helper around a builder subquery)', () => {
  const read = (db: Db) =>
    db
      .selectFrom('users')
      .select((eb) => ['name', jsonArrayFrom(eb.selectFrom('posts').select('title').whereRef('posts.author_id', '=', 'users.id')).as('posts')])
      .orderBy('id')
      .execute()
  eachTableInvalidates(read, { users: renameAda, posts: addPost })
})

describe('raw SQL reads (read by the core SQL reader)', () => {
  const read = async (db: Db) =>
    (await sql<{ title: string; name: string }>`select p.title, u.name from posts p join users u on u.id = p.author_id order by p.id`.execute(db)).rows
  eachTableInvalidates(read, { posts: retitle, users: renameAda })
})
