// Relational queries v2 (drizzle-orm 1.0: `defineRelations`, `db.query.<table>.findMany / findFirst`)
// on real PostgreSQL. Only the 1.0 projects run this file (vitest.config.ts): it is typed by the
// `drizzle-orm-1` alias, which is the drizzle-orm those projects load.
import { createCache, memoryStorage } from '@kvcache/core'
import { expectFreshAfterWrite, itInvalidates } from '@kvcache/test-support/invalidation'
import { defineRelations, eq } from 'drizzle-orm-1'
import type { Cache } from 'drizzle-orm-1/cache/core'
import { drizzle } from 'drizzle-orm-1/node-postgres'
import { integer, pgSchema, text } from 'drizzle-orm-1/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { drizzleCache, type DrizzleCacheOptions } from '../../src/pg'

// A schema of its own per run, so concurrent runs never collide.
const s = `kvc_rqb_${Math.random().toString(36).slice(2, 10)}`
const app = pgSchema(s)
const users = app.table('users', { id: integer('id').primaryKey(), name: text('name').notNull() })
const posts = app.table('posts', {
  id: integer('id').primaryKey(),
  authorId: integer('author_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
})
const relations = defineRelations({ users, posts }, (r) => ({
  users: { posts: r.many.posts() },
  posts: { author: r.one.users({ from: r.posts.authorId, to: r.users.id }) },
}))

// Set by the shared globalSetup (test-support/postgres-setup.ts): the caller's, the machine's or an embedded server.
const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${s}`)
  await pool.query(`CREATE TABLE ${s}.users (id integer PRIMARY KEY, name text NOT NULL)`)
  await pool.query(
    `CREATE TABLE ${s}.posts (id integer PRIMARY KEY, author_id integer NOT NULL REFERENCES ${s}.users(id) ON DELETE CASCADE, title text NOT NULL)`,
  )
})

afterAll(async () => {
  await pool.query(`DROP SCHEMA ${s} CASCADE`)
  await pool.end()
})

beforeEach(async () => {
  await pool.query(`TRUNCATE ${s}.users, ${s}.posts`)
  await pool.query(`INSERT INTO ${s}.users VALUES (1, 'Ada'), (2, 'Grace')`)
  await pool.query(`INSERT INTO ${s}.posts VALUES (1, 1, 'Hello'), (2, 2, 'World')`)
})

// Our types extend the `Cache` of the drizzle-orm that `tsc` resolves, 0.x here; in an app on 1.0 that is 1.0's.
const asCache = (kv: object) => kv as Cache

function setup(options: DrizzleCacheOptions = {}) {
  const cache = createCache({ storage: memoryStorage() })
  // A 1.0 schema module exports its relations beside its tables: the binding reads the tables.
  const kv = drizzleCache(cache, { schema: { users, posts, relations }, database: `pg-${crypto.randomUUID()}`, ...options })
  return { db: drizzle({ client: kv.pg(pool), relations, cache: asCache(kv) }), behindTheCache: drizzle({ client: pool, relations }) }
}

const behind = (statement: string) => pool.query(statement.replaceAll('@.', `${s}.`))

describe('RQB v2 (drizzle-orm 1.0) on PostgreSQL', () => {
  itInvalidates("strategy 'all': findMany with a nested relation is cached, and a write to the child table refreshes it", async () => {
    const { db, behindTheCache } = setup({ strategy: 'all' })
    const query = (on: typeof db) => on.query.users.findMany({ with: { posts: { orderBy: { id: 'asc' } } }, orderBy: { id: 'asc' } })
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE @.posts SET title = 'behind' WHERE id = 1"),
      write: () => db.insert(posts).values({ id: 3, authorId: 2, title: 'New' }),
    })
  })

  itInvalidates("strategy 'explicit': findFirst with `withCache: true` is cached, and an update of a child row refreshes it", async () => {
    const { db, behindTheCache } = setup()
    const query = (on: typeof db) => on.query.users.findFirst({ where: { id: 1 }, with: { posts: true }, withCache: true })
    await expectFreshAfterWrite({
      read: () => query(db),
      direct: () => query(behindTheCache),
      changeBehind: () => behind("UPDATE @.users SET name = 'behind' WHERE id = 1"),
      write: () => db.update(posts).set({ title: 'written' }).where(eq(posts.id, 1)),
    })
  })

  it("strategy 'explicit': a read without `withCache: true` is not cached", async () => {
    const { db } = setup()
    const read = () => db.query.users.findFirst({ where: { id: 1 }, with: { posts: true } })
    expect((await read())?.posts.map((post) => post.title)).toStrictEqual(['Hello'])
    await behind("UPDATE @.posts SET title = 'behind' WHERE id = 1")
    expect((await read())?.posts.map((post) => post.title)).toStrictEqual(['behind'])
  })
})
