// PostgreSQL half of bench/drizzle, from Node: node-postgres is what Hyperdrive looks like to a Worker.
import { createCache, memoryStorage } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle'
import { desc } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, text } from 'drizzle-orm/pg-core'
import pg from 'pg'

export async function runPg() {
  const schemaName = `kvc_bench_${Math.random().toString(36).slice(2, 8)}`
  const posts = pgSchema(schemaName).table('posts', {
    id: integer('id').primaryKey(),
    title: text('title').notNull(),
    body: text('body').notNull(),
  })
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 2 })
  try {
    await pool.query(`CREATE SCHEMA ${schemaName}`)
    await pool.query(`CREATE TABLE ${schemaName}.posts (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL)`)
    await pool.query(
      `INSERT INTO ${schemaName}.posts SELECT g, 'Post ' || g, repeat('Lorem ipsum dolor sit amet. ', 10) FROM generate_series(1, 500) g`,
    )
    const cache = createCache({ storage: memoryStorage(), defaultTtlSeconds: 300 })
    const kv = drizzleCache(cache, { schema: { posts }, strategy: 'all' })
    const cached = drizzle({ client: kv.pg(pool), cache: kv })
    const plain = drizzle({ client: pool })
    const latest = (db) => db.select().from(posts).orderBy(desc(posts.id)).limit(20)
    const n = 300
    const time = async (db) => {
      const started = performance.now()
      for (let i = 0; i < n; i++) await latest(db)
      return (performance.now() - started) / n
    }
    await time(plain)
    await time(cached)
    const uncached = []
    const hits = []
    for (let i = 0; i < 7; i++) {
      // Alternate which side goes first, so drift lands on both.
      if (i % 2 === 0) {
        uncached.push(await time(plain))
        hits.push(await time(cached))
      } else {
        hits.push(await time(cached))
        uncached.push(await time(plain))
      }
    }
    return { uncached, cached: hits }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`).catch(() => undefined)
    await pool.end()
  }
}
