import { sql, type Kysely } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/sqlite'
import { describe, expect, inject, it } from 'vitest'
import { loadedKyselyVersion } from '../version'
import type { Database } from './schema'
import { setup } from './setup'

type Db = Kysely<Database>
type Write = (db: Db) => Promise<unknown>

/**
 * For one read shape and each table it reads: fill the cache, prove the next read is a hit,
 * write that table through the cached dialect, and assert the read returns the fresh value.
 */
function eachTableInvalidates(read: (db: Db) => Promise<unknown>, writes: Record<string, Write>) {
  for (const [table, write] of Object.entries(writes)) {
    it(`a write to ${table}`, async () => {
      const { db, behind, count } = await setup()
      const before = await read(db)
      expect(await read(db)).toStrictEqual(before)
      expect(count('hit')).toBe(1)
      await write(db)
      const after = await read(db)
      expect(after).toStrictEqual(await read(behind))
      expect(after).not.toStrictEqual(before)
    })
  }
}

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
  const read = (db: Db) => db.selectFrom('users').leftJoin('posts', 'posts.author_id', 'users.id').select(['name', 'title']).orderBy('users.id').orderBy('posts.id').execute()
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
  eachTableInvalidates(read, { users: renameAda, posts: addPost })
})

describe('subquery in WHERE', () => {
  const read = (db: Db) =>
    db
      .selectFrom('posts')
      .select('title')
      .where('author_id', 'in', (eb) => eb.selectFrom('users').select('id').where('name', '=', 'Grace'))
      .orderBy('id')
      .execute()
  eachTableInvalidates(read, { posts: retitle, users: renameAda })
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
  eachTableInvalidates(read, { posts: (db) => db.deleteFrom('posts').where('id', '=', 2).execute(), comments: addComment })
})

describe('UNION, EXCEPT, INTERSECT', () => {
  const union = (db: Db) => db.selectFrom('users').select('name').union(db.selectFrom('comments').select('body as name')).orderBy('name').execute()
  const addUser: Write = (db) => db.insertInto('users').values({ id: 3, name: 'Zed' }).execute()
  const addOtherComment: Write = (db) => db.insertInto('comments').values({ id: 2, post_id: 2, body: 'Zed' }).execute()
  eachTableInvalidates(union, { users: addUser, comments: addOtherComment })
  const except = (db: Db) => db.selectFrom('users').select('name').except(db.selectFrom('comments').select('body as name')).orderBy('name').execute()
  eachTableInvalidates(except, { 'users (EXCEPT)': addUser, 'comments (EXCEPT)': addComment })
  const intersect = (db: Db) => db.selectFrom('users').select('name').intersect(db.selectFrom('comments').select('body as name')).execute()
  eachTableInvalidates(intersect, { 'comments (INTERSECT)': addComment })
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
  const read = async (db: Db) => (await sql<{ title: string; name: string }>`select p.title, u.name from posts p join users u on u.id = p.author_id order by p.id`.execute(db)).rows
  eachTableInvalidates(read, { posts: retitle, users: renameAda })
})
