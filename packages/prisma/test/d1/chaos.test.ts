// Issue 19: Prisma's reads and writes on real D1 under every fault of the chaos fakes, with entries
// and stamps in KV, entries behind a Cache API L1, and stamps in the Durable Object coordinator.
import * as core from '@kvcache/core'
import * as coordinator from '@kvcache/coordinator'
import * as storageCacheApi from '@kvcache/storage-cache-api'
import * as storageKv from '@kvcache/storage-kv'
import { chaosBackends } from '@kvcache/test-support/chaos-backends'
import { chaosSuite, ENTRY_TTL_SECONDS } from '@kvcache/test-support/chaos-suite'
import { PrismaD1 } from '@prisma/adapter-d1'
import { env } from 'cloudflare:workers'
import { prismaCodecs, withKvCache } from '../../src'
import { Prisma, PrismaClient } from '../.generated/d1/client/client.ts'
import { models } from '../.generated/d1/kvcache/models.js'
import { DB, KV, resetDatabase } from './harness'

const plain = new PrismaClient({ adapter: new PrismaD1(DB) })
const cacheStrategy = { ttl: ENTRY_TTL_SECONDS }

chaosSuite({
  binding: 'prisma',
  backends: chaosBackends(
    { ...core, ...storageKv, ...storageCacheApi, ...coordinator },
    { kv: KV, coordinator: (env as unknown as { KVCACHE_COORDINATOR: object }).KVCACHE_COORDINATOR },
  ),
  cacheOptions: { codecExtensions: prismaCodecs(Prisma) },
  async reset() {
    await resetDatabase()
    await plain.post.createMany({
      data: [
        { title: 'Hello', views: 10 },
        { title: 'World', views: 20 },
      ],
    })
  },
  subject(cache, database) {
    const prisma = plain.$extends(withKvCache(cache, { models, database }))
    return {
      reads: [
        {
          name: 'a post by id',
          cached: () => prisma.post.findUnique({ where: { id: 1 }, cacheStrategy }),
          direct: () => plain.post.findUnique({ where: { id: 1 } }),
        },
        {
          name: 'every post',
          cached: () => prisma.post.findMany({ select: { id: true, title: true, views: true }, orderBy: { id: 'asc' }, cacheStrategy }),
          direct: () => plain.post.findMany({ select: { id: true, title: true, views: true }, orderBy: { id: 'asc' } }),
        },
      ],
      write: (n) => prisma.post.update({ where: { id: 1 }, data: { title: `chaos ${n}` } }),
    }
  },
})
