// Issue 19: kv.withStatus on node-postgres against real PostgreSQL (parameters of several types, so
// the statement a builder shows and the one the driver sends are matched as PostgreSQL sees them).
import { createCache, memoryStorage } from '@kvcache/core'
import { and, eq, gt } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { bigint, boolean, integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { drizzleCache } from '../../src'

const schemaName = `kvc_st_${Math.random().toString(36).slice(2, 10)}`
const posts = pgSchema(schemaName).table('posts', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  published: boolean('published').notNull(),
  views: bigint('views', { mode: 'bigint' }).notNull(),
  at: timestamp('at', { mode: 'date' }).notNull(),
})
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 2 })

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA ${schemaName}`)
  await pool.query(
    `CREATE TABLE ${schemaName}.posts (id integer PRIMARY KEY, title text NOT NULL, published boolean NOT NULL, views bigint NOT NULL, at timestamp NOT NULL)`,
  )
  await pool.query(`INSERT INTO ${schemaName}.posts VALUES (1, 'Hello', true, 10, '2026-01-01T00:00:00Z')`)
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA ${schemaName} CASCADE`)
  await pool.end()
})

it('a miss then a hit for a read whose parameters are a boolean, a bigint and a date; a write is not a read', async () => {
  const cache = createCache({ storage: memoryStorage() })
  const kv = drizzleCache(cache, { strategy: 'all', database: `pg-status-${schemaName}` })
  const db = drizzle({ client: kv.pg(pool), cache: kv })
  const read = () =>
    db
      .select({ title: posts.title })
      .from(posts)
      .where(and(eq(posts.published, true), gt(posts.views, 5n), gt(posts.at, new Date('2025-01-01T00:00:00Z'))))
  expect(await kv.withStatus(read())).toStrictEqual({
    data: [{ title: 'Hello' }],
    status: { kind: 'miss', reason: 'absent', tables: [`${schemaName}.posts`, 'posts'] },
  })
  expect((await kv.withStatus(read())).status.kind).toBe('hit')
  expect((await kv.withStatus(db.update(posts).set({ title: 'x' }).where(eq(posts.id, 2)))).status).toMatchObject({ kind: 'uncached' })
})
