// Issue 18: a Prisma client on a D1 session (read replication). Prisma's reads cannot be sent to
// another session, so a read after a write that its session has not seen yet is served from the
// session (what D1 answers there) and never stored; a write records the session's bookmark. Real
// D1 and KV; replication is a fake (`laggingReplicaD1Fake`), since miniflare's D1 has no replicas.
import { createCache, type CacheEvent } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { laggingReplicaD1Fake } from '@kvcache/test-support/lagging-replica-fake'
import { PrismaD1 } from '@prisma/adapter-d1'
import { expect, it } from 'vitest'
import { prismaCodecs, withKvCache } from '../../src'
import { Prisma, PrismaClient } from '../.generated/d1/client/client.ts'
import { models } from '../.generated/d1/kvcache/models.js'
import { DB, DB2, KV, resetDatabase } from './harness'

it("a read on a session that has not seen another request's write is served, never stored; once the session has seen it, it is cached again", async () => {
  for (const database of [DB, DB2]) {
    await resetDatabase(database)
    await database.prepare(`INSERT INTO "users" ("id", "email", "name") VALUES (1, 'ada@example.com', 'v0')`).run()
  }
  const fake = laggingReplicaD1Fake(DB, DB2)
  const events: CacheEvent[] = []
  const prefix = `r${crypto.randomUUID().slice(0, 8)}`
  const cache = createCache({ storage: kvStorage(KV), prefix, onEvent: (event) => events.push(event), codecExtensions: prismaCodecs(Prisma) })
  const client = (constraint = 'first-unconstrained') => {
    const session = fake.database.withSession(constraint)
    return {
      session,
      prisma: new PrismaClient({ adapter: new PrismaD1(session as unknown as D1Database) }).$extends(withKvCache(cache, { models, database: 'replicated' })),
    }
  }
  const name = async (prisma: ReturnType<typeof client>['prisma']) => (await prisma.user.findUnique({ where: { id: 1 }, cacheStrategy: { ttl: 60 } }))?.name

  expect(await name(client().prisma)).toBe('v0')
  for (const database of [DB, DB2]) await database.prepare(`UPDATE "users" SET "name" = 'v0 behind the cache' WHERE "id" = 1`).run()
  expect(await name(client().prisma)).toBe('v0')
  expect(events.some((event) => event.type === 'misconfigured' && event.source === 'prisma')).toBe(true)

  const writer = client()
  await writer.prisma.user.update({ where: { id: 1 }, data: { name: 'v1' } })
  // A new session reads the lagging replica: D1's answer there, not stored under the new stamp.
  expect(await name(client().prisma)).toBe('v0 behind the cache')
  expect(events.some((event) => event.type === 'skip' && event.reason === 'freshness-unmet')).toBe(true)
  await fake.catchUp()
  expect(await name(client().prisma)).toBe('v1')

  // A client that carries the writer's bookmark has seen the write: its read is stored (here by
  // another isolate: KV takes one fill per key per second from one) and then served from the cache.
  const bookmark = writer.session.getBookmark?.() ?? undefined
  expect(bookmark).toBe(fake.latest())
  const other: CacheEvent[] = []
  const otherCache = createCache({ storage: kvStorage(KV), prefix, onEvent: (event) => other.push(event), codecExtensions: prismaCodecs(Prisma) })
  const carried = new PrismaClient({ adapter: new PrismaD1(fake.database.withSession(bookmark) as unknown as D1Database) }).$extends(
    withKvCache(otherCache, { models, database: 'replicated' }),
  )
  expect(await name(carried)).toBe('v1')
  expect(other.some((event) => event.type === 'fill')).toBe(true)
  await DB.prepare(`UPDATE "users" SET "name" = 'v1 behind the cache' WHERE "id" = 1`).run()
  expect(await name(carried)).toBe('v1')
})
