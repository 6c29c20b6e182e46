// PostgreSQL half of bench/kysely, from Node: node-postgres is what Hyperdrive looks like to a Worker.
import { createCache, memoryStorage } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { benchSchemaName, nodeSides, pgConnectionString, withBenchSchema } from '../lib/orm-bench.mjs'

export async function runPg() {
  const schemaName = benchSchemaName('kvk_bench')
  const pool = new pg.Pool({ connectionString: pgConnectionString(), max: 2, options: `-c search_path=${schemaName}` })
  try {
    return await withBenchSchema(pool, schemaName, async () => {
      await pool.query('CREATE TABLE posts (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL)')
      await pool.query(`INSERT INTO posts SELECT g, 'Post ' || g, repeat('Lorem ipsum dolor sit amet. ', 10) FROM generate_series(1, 500) g`)
      const cache = createCache({ storage: memoryStorage(), defaultTtlSeconds: 300 })
      const cached = new Kysely({ dialect: kyselyCache(new PostgresDialect({ pool }), cache, { strategy: 'all' }) })
      const plain = new Kysely({ dialect: new PostgresDialect({ pool }) })
      const latest = (db) => () => db.selectFrom('posts').selectAll().orderBy('id', 'desc').limit(20).execute()
      return nodeSides({ plain: latest(plain), cached: latest(cached) })
    })
  } finally {
    await pool.end()
  }
}
