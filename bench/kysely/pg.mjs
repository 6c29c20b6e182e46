// PostgreSQL half of bench/kysely, from Node: node-postgres is what Hyperdrive looks like to a Worker.
import { createCache, memoryStorage } from '@kvcache/core'
import { kyselyCache } from '@kvcache/kysely'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

export async function runPg() {
  const schemaName = `kvk_bench_${Math.random().toString(36).slice(2, 8)}`
  const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const pool = new pg.Pool({ connectionString, max: 2, options: `-c search_path=${schemaName}` })
  const cachedDb = (cache) => new Kysely({ dialect: kyselyCache(new PostgresDialect({ pool }), cache, { strategy: 'all' }) })
  try {
    await pool.query(`CREATE SCHEMA ${schemaName}`)
    await pool.query('CREATE TABLE posts (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL)')
    await pool.query(`INSERT INTO posts SELECT g, 'Post ' || g, repeat('Lorem ipsum dolor sit amet. ', 10) FROM generate_series(1, 500) g`)
    const cached = cachedDb(createCache({ storage: memoryStorage(), defaultTtlSeconds: 300 }))
    const plain = new Kysely({ dialect: new PostgresDialect({ pool }) })
    const latest = (db) => db.selectFrom('posts').selectAll().orderBy('id', 'desc').limit(20).execute()
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
