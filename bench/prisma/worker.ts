import { createCache, type Storage } from '@kvcache/core'
import { prismaCodecs, withKvCache } from '@kvcache/prisma'
import { kvStorage } from '@kvcache/storage-kv'
import { PrismaD1 } from '@prisma/adapter-d1'
import { countingKv, opsMeter } from '../lib/counting-kv'
import { loop } from '../lib/orm-worker'
import { Prisma, PrismaClient } from './.generated/d1/client/client'
import { models } from './.generated/d1/kvcache/models.js'

interface Env {
  DB: D1Database
  KV: KVNamespace
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url)
    const n = Number(url.searchParams.get('n') ?? '200')
    const counting = countingKv(env.KV)
    const storage: Storage = kvStorage(counting.kv)
    const cache = createCache({ storage, prefix: 'bench-prisma', defaultTtlSeconds: 300, codecExtensions: prismaCodecs(Prisma) })
    const plain = new PrismaClient({ adapter: new PrismaD1(env.DB) })
    const cached = plain.$extends(withKvCache(cache, { models }))
    const latest = () => plain.post.findMany({ orderBy: { id: 'desc' }, take: 20 })
    const latestCached = () => cached.post.findMany({ orderBy: { id: 'desc' }, take: 20, cacheStrategy: { ttl: 300 } })
    switch (url.pathname) {
      case '/setup': {
        await env.DB.prepare(
          'CREATE TABLE IF NOT EXISTS "Post" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "body" TEXT NOT NULL, "authorId" INTEGER NOT NULL, "createdAt" DATETIME NOT NULL)',
        ).run()
        const insert = env.DB.prepare('INSERT OR IGNORE INTO "Post" VALUES (?, ?, ?, ?, ?)')
        await env.DB.batch(
          Array.from({ length: 500 }, (_, i) =>
            insert.bind(i + 1, `Post ${i + 1}`, 'Lorem ipsum dolor sit amet. '.repeat(10), (i % 17) + 1, new Date(1767225600000 + i * 60000).toISOString()),
          ),
        )
        await latestCached()
        return Response.json({ ok: true })
      }
      case '/uncached':
        return loop(n, latest)
      case '/cached':
        return loop(n, latestCached)
      case '/ops': {
        const measure = opsMeter(counting, cache)
        const hit = await measure(latestCached)
        const miss = await measure(() =>
          cached.post.findMany({ where: { authorId: 3 }, take: 1 + Math.floor(Math.random() * 1e6), cacheStrategy: { ttl: 300 } }),
        )
        const byId = await measure(() => cached.post.findUnique({ where: { id: 7 }, cacheStrategy: { ttl: 300 } }))
        const updateById = await measure(() => cached.post.update({ where: { id: 1 }, data: { title: 'changed' } }))
        const create = await measure(() =>
          cached.post.create({ data: { id: 100000 + Math.floor(Math.random() * 1e6), title: 'new', body: 'b', authorId: 1, createdAt: new Date() } }),
        )
        const updateMany = await measure(() => cached.post.updateMany({ where: { authorId: 2 }, data: { title: 'bulk' } }))
        return Response.json({ hit, miss, byId, updateById, create, updateMany })
      }
    }
    return new Response('not found', { status: 404 })
  },
}
