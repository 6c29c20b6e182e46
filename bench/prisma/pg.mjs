// PostgreSQL half of bench/prisma, from Node: @prisma/adapter-pg over node-postgres is what Hyperdrive looks like to a Worker.
import { createCache, memoryStorage } from '@kvcache/core'
import { prismaCodecs, withKvCache } from '@kvcache/prisma'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'

export async function runPg({ pgClient, pgModels }) {
  const { Prisma, PrismaClient } = await import(pgClient)
  const { models } = await import(pgModels)
  const schema = `kvc_bench_prisma_${Math.random().toString(36).slice(2, 8)}`
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 2 })
  const plain = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) })
  try {
    await pool.query(`CREATE SCHEMA ${schema}`)
    await pool.query(`CREATE TABLE ${schema}."Post" (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL, "authorId" integer NOT NULL, "createdAt" timestamp(3) NOT NULL)`)
    await pool.query(
      `INSERT INTO ${schema}."Post" SELECT g, 'Post ' || g, repeat('Lorem ipsum dolor sit amet. ', 10), g % 17 + 1, now() FROM generate_series(1, 500) g`,
    )
    const cache = createCache({ storage: memoryStorage(), defaultTtlSeconds: 300, codecExtensions: prismaCodecs(Prisma) })
    const cached = plain.$extends(withKvCache(cache, { models }))
    const n = 300
    const time = async (read) => {
      const started = performance.now()
      for (let i = 0; i < n; i++) await read()
      return (performance.now() - started) / n
    }
    const latest = () => plain.post.findMany({ orderBy: { id: 'desc' }, take: 20 })
    const latestCached = () => cached.post.findMany({ orderBy: { id: 'desc' }, take: 20, cacheStrategy: { ttl: 300 } })
    await time(latest)
    await time(latestCached)
    const uncached = []
    const hits = []
    for (let i = 0; i < 7; i++) {
      // Alternate which side goes first, so drift lands on both.
      if (i % 2 === 0) {
        uncached.push(await time(latest))
        hits.push(await time(latestCached))
      } else {
        hits.push(await time(latestCached))
        uncached.push(await time(latest))
      }
    }
    return { uncached, cached: hits }
  } finally {
    await plain.$disconnect().catch(() => undefined)
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
    await pool.end()
  }
}
