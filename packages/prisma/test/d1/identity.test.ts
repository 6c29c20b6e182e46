// Finding 4 of issue 17: two databases behind one KV namespace must never answer each other's reads.
import { createCache, isKvCacheError, type CacheEvent } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { PrismaD1 } from '@prisma/adapter-d1'
import { describe, expect, it } from 'vitest'
import { prismaCodecs, withKvCache } from '../../src'
import { Prisma, PrismaClient } from '../.generated/d1/client/client.ts'
import { models } from '../.generated/d1/kvcache/models.js'
import { rejection } from '../shared/helpers'
import { DB, DB2, KV, resetDatabase } from './harness'

const users = (client: any) => client.user.findMany({ orderBy: { id: 'asc' }, select: { email: true }, cacheStrategy: { ttl: 60 } })

async function twoDatabases() {
  await resetDatabase(DB)
  await resetDatabase(DB2)
  await DB.prepare(`INSERT INTO "users" ("email") VALUES ('one@example.com')`).run()
  await DB2.prepare(`INSERT INTO "users" ("email") VALUES ('two@example.com')`).run()
  const events: CacheEvent[] = []
  // One cache, one KV namespace, for both databases.
  const cache = createCache({
    storage: kvStorage(KV),
    prefix: `p${crypto.randomUUID().slice(0, 8)}`,
    onEvent: (event) => events.push(event),
    codecExtensions: prismaCodecs(Prisma),
  })
  const client = (db: D1Database, database?: string) =>
    new PrismaClient({ adapter: new PrismaD1(db) }).$extends(withKvCache(cache, { models, ...(database ? { database } : {}) }))
  return { cache, events, client }
}

describe('two D1 databases behind one KV namespace', () => {
  it('without `database`, the second database fails fast with DATABASE_CONFLICT naming the option', async () => {
    const { client } = await twoDatabases()
    const one = client(DB)
    const two = client(DB2)
    expect(await users(one)).toStrictEqual([{ email: 'one@example.com' }])
    const error = await rejection(users(two))
    expect(isKvCacheError(error, 'DATABASE_CONFLICT')).toBe(true)
    expect(error.message).toContain('`database`')
    // A new client per request on the same database is the same database.
    expect(await users(client(DB))).toStrictEqual([{ email: 'one@example.com' }])
  })

  it('named databases get their own entries: the same query returns each database its own rows, hits included', async () => {
    const { client, events } = await twoDatabases()
    const one = client(DB, 'one')
    const two = client(DB2, 'two')
    expect(await users(one)).toStrictEqual([{ email: 'one@example.com' }])
    expect(await users(two)).toStrictEqual([{ email: 'two@example.com' }])
    const hits = events.filter((event) => event.type === 'hit').length
    expect(await users(one)).toStrictEqual([{ email: 'one@example.com' }])
    expect(await users(two)).toStrictEqual([{ email: 'two@example.com' }])
    expect(events.filter((event) => event.type === 'hit').length).toBe(hits + 2)
  })
})
