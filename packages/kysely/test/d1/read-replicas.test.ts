// Issue 18: D1 read replicas through Kysely. `d1Sessions(env.DB).withSession(...)` records a write's
// bookmark with its stamps, and a miss after it runs in a session anchored there. Real D1 (two
// miniflare databases) and real KV; replication is a fake (`laggingReplicaD1Fake`), since
// miniflare's D1 has no replicas.
import { createCache } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { laggingReplicaD1Fake, resetReplicaNotes } from '@kvcache/test-support/lagging-replica-fake'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { beforeEach, expect, it } from 'vitest'
import { d1Sessions, kyselyCache } from '../../src'
import { DB, DB2, KV } from './setup'

interface Notes {
  replica_notes: { id: number; body: string }
}

beforeEach(() => resetReplicaNotes(DB, DB2))

function world() {
  const fake = laggingReplicaD1Fake(DB, DB2)
  const prefix = `r${crypto.randomUUID().slice(0, 8)}`
  /** One isolate: its cache over the shared KV namespace, and one session per request. */
  const isolate = () => {
    const cache = createCache({ storage: kvStorage(KV), prefix })
    const sessions = d1Sessions(fake.database)
    const request = (constraint = 'first-unconstrained') => {
      const database = sessions.withSession(constraint)
      const db = new Kysely<Notes>({
        dialect: kyselyCache(new D1Dialect({ database }), cache, { strategy: 'all', database: 'replicated' }),
      })
      const read = async () => (await db.selectFrom('replica_notes').select('body').where('id', '=', 1).executeTakeFirst())?.body
      return { database, db, read }
    }
    return { request }
  }
  return { fake, isolate, prefix }
}

itInvalidates("a miss after another isolate's write reads a copy that has the write, while the replica still lags; it is cached", async () => {
  const { fake, isolate } = world()
  const [writer, reader, third] = [isolate(), isolate(), isolate()]
  expect(await reader.request().read()).toBe('v0')
  for (const database of [DB, DB2]) await database.prepare("UPDATE replica_notes SET body = 'v0 behind the cache' WHERE id = 1").run()
  expect(await reader.request().read()).toBe('v0')

  await writer.request().db.updateTable('replica_notes').set({ body: 'v1' }).where('id', '=', 1).execute()
  expect((await DB2.prepare('SELECT body FROM replica_notes WHERE id = 1').first<{ body: string }>())?.body).toBe('v0 behind the cache')
  expect(await reader.request().read()).toBe('v1')
  // Stored by another isolate (KV takes one fill per key per second from one), then served from the cache.
  expect(await third.request().read()).toBe('v1')
  await DB.prepare("UPDATE replica_notes SET body = 'v1 behind the cache' WHERE id = 1").run()
  expect(await third.request().read()).toBe('v1')
  expect(fake.stats.replicaReads).toBeGreaterThan(0)
})

it("the write's bookmark travels with its stamp; a client carrying it reads in its own session", async () => {
  const { fake, isolate, prefix } = world()
  const [writer, reader] = [isolate(), isolate()]
  await reader.request().read()
  const writing = writer.request()
  await writing.db.updateTable('replica_notes').set({ body: 'v1' }).where('id', '=', 1).execute()
  const bookmark = writing.database.getBookmark() ?? undefined
  expect(bookmark).toBe(fake.latest())
  const values = await Promise.all((await KV.list({ prefix })).keys.map((key) => KV.get(key.name)))
  expect(values.some((value) => value?.endsWith(` ${bookmark}`))).toBe(true)
  const sessions = fake.stats.sessions
  expect(await reader.request(bookmark).read()).toBe('v1')
  expect(fake.stats.sessions).toBe(sessions + 1)
})

it('concurrent requests in one isolate each route their own read (the routing is set per driver call)', async () => {
  const { isolate } = world()
  const [writer, reader] = [isolate(), isolate()]
  await reader.request().read()
  await writer.request().db.updateTable('replica_notes').set({ body: 'v1' }).where('id', '=', 1).execute()
  const reads = await Promise.all([reader.request().read(), reader.request().read(), reader.request().read()])
  expect(reads).toStrictEqual(['v1', 'v1', 'v1'])
})

it('a session at the bookmark that D1 refuses never fails the query: the own session answers, unstored', async () => {
  const { fake, isolate } = world()
  const [writer, reader] = [isolate(), isolate()]
  expect(await reader.request().read()).toBe('v0')
  await writer.request().db.updateTable('replica_notes').set({ body: 'v1' }).where('id', '=', 1).execute()
  fake.refuseAnchored()
  expect(await reader.request().read()).toBe('v0')
  await fake.catchUp()
  expect(await reader.request().read()).toBe('v1')
})
