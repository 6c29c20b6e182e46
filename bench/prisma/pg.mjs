// PostgreSQL half of bench/prisma, from Node: @prisma/adapter-pg over node-postgres is what Hyperdrive looks like to a Worker.
import { createCache, memoryStorage } from '@kvcache/core'
import { prismaCodecs, withKvCache } from '@kvcache/prisma'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { benchSchemaName, nodeSides, pgConnectionString, withBenchSchema } from '../lib/orm-bench.mjs'

export async function runPg({ pgClient, pgModels }) {
  const { Prisma, PrismaClient } = await import(pgClient)
  const { models } = await import(pgModels)
  const schema = benchSchemaName('kvc_bench_prisma')
  const pool = new pg.Pool({ connectionString: pgConnectionString(), max: 2 })
  const plain = new PrismaClient({ adapter: new PrismaPg(pool, { schema }) })
  try {
    return await withBenchSchema(pool, schema, async () => {
      await pool.query(
        `CREATE TABLE ${schema}."Post" (id integer PRIMARY KEY, title text NOT NULL, body text NOT NULL, "authorId" integer NOT NULL, "createdAt" timestamp(3) NOT NULL)`,
      )
      await pool.query(
        `INSERT INTO ${schema}."Post" SELECT g, 'Post ' || g, repeat('Lorem ipsum dolor sit amet. ', 10), g % 17 + 1, now() FROM generate_series(1, 500) g`,
      )
      const cache = createCache({ storage: memoryStorage(), defaultTtlSeconds: 300, codecExtensions: prismaCodecs(Prisma) })
      const cached = plain.$extends(withKvCache(cache, { models }))
      return nodeSides({
        plain: () => plain.post.findMany({ orderBy: { id: 'desc' }, take: 20 }),
        cached: () => cached.post.findMany({ orderBy: { id: 'desc' }, take: 20, cacheStrategy: { ttl: 300 } }),
      })
    })
  } finally {
    await plain.$disconnect().catch(() => undefined)
    await pool.end()
  }
}
