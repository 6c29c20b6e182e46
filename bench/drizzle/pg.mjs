// PostgreSQL half of bench/drizzle, from Node: node-postgres is what Hyperdrive looks like to a Worker.
import { createCache, memoryStorage } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle'
import { desc } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { integer, pgSchema, text } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { benchSchemaName, nodeSides, pgConnectionString, withBenchSchema } from '../lib/orm-bench.mjs'

export async function runPg() {
  const pool = new pg.Pool({ connectionString: pgConnectionString(), max: 2 })
  try {
    return await withBenchSchema(pool, benchSchemaName('kvc_bench'), async (schemaName) => {
      const posts = pgSchema(schemaName).table('posts', {
        id: integer('id').primaryKey(),
        title: text('title').notNull(),
        body: text('body').notNull(),
      })
      await pool.query(`CREATE TABLE ${schemaName}.posts (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL)`)
      await pool.query(`INSERT INTO ${schemaName}.posts SELECT g, 'Post ' || g, repeat('Lorem ipsum dolor sit amet. ', 10) FROM generate_series(1, 500) g`)
      const cache = createCache({ storage: memoryStorage(), defaultTtlSeconds: 300 })
      const kv = drizzleCache(cache, { schema: { posts }, strategy: 'all' })
      const cached = drizzle({ client: kv.pg(pool), cache: kv })
      const plain = drizzle({ client: pool })
      const latest = (db) => () => db.select().from(posts).orderBy(desc(posts.id)).limit(20)
      return nodeSides({ plain: latest(plain), cached: latest(cached) })
    })
  } finally {
    await pool.end()
  }
}
