// Issue 18: D1 read replicas. A write's bookmark is recorded with its stamps; a miss on a scope it
// bumped runs in a session anchored at least there, so a lagging replica cannot answer from before
// the write and have that stored. Real D1 (two miniflare databases) and real KV; replication is a
// fake (`laggingReplicaD1Fake`), since miniflare's D1 has no replicas.
import { createCache, type CacheEvent } from '@kvcache/core'
import { kvStorage } from '@kvcache/storage-kv'
import { itInvalidates } from '@kvcache/test-support/invalidation'
import { eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { beforeEach, expect, it } from 'vitest'
import { drizzleCache } from '../../src'
import { laggingReplicaD1Fake, resetReplicaNotes } from '@kvcache/test-support/lagging-replica-fake'
import { DB, DB2, KV } from './setup'

const notes = sqliteTable('replica_notes', { id: integer('id').primaryKey(), body: text('body').notNull() })

beforeEach(() => resetReplicaNotes(DB, DB2))

/** Two isolates (two caches over one KV namespace), each with its Drizzle binding on the replicated database. */
function world() {
  const fake = laggingReplicaD1Fake(DB, DB2)
  const prefix = `r${crypto.randomUUID().slice(0, 8)}`
  const isolate = () => {
    const events: CacheEvent[] = []
    const kv = drizzleCache(createCache({ storage: kvStorage(KV), prefix, onEvent: (event) => events.push(event) }), {
      strategy: 'all',
      database: 'replicated',
    })
    const wrapped = kv.d1(fake.database)
    /** One request: a session of its own, as the D1 docs recommend (`first-unconstrained`, or the client's bookmark). */
    const request = (constraint = 'first-unconstrained') => {
      const session = wrapped.withSession(constraint)
      const db = drizzle(session as unknown as D1Database, { cache: kv })
      return { session, db, read: async () => (await db.select({ body: notes.body }).from(notes).where(eq(notes.id, 1)))[0]?.body }
    }
    return { kv, wrapped, request, events }
  }
  /** Changes both copies behind the cache's back: what a read that is served from the cache cannot see. */
  const behind = async (body: string) => {
    for (const database of [DB, DB2]) await database.prepare('UPDATE replica_notes SET body = ? WHERE id = 1').bind(body).run()
  }
  return { fake, isolate, behind, prefix }
}

itInvalidates("a miss after another isolate's write reads a copy that has the write, while the replica still lags; it is cached", async () => {
  const { fake, isolate, behind } = world()
  const [writer, reader] = [isolate(), isolate()]
  expect(await reader.request().read()).toBe('v0')
  await behind('v0 behind the cache')
  expect(await reader.request().read()).toBe('v0')

  await writer.request().db.update(notes).set({ body: 'v1' }).where(eq(notes.id, 1))
  // The replica has not applied the write: an unanchored session reads it there.
  expect((await DB2.prepare('SELECT body FROM replica_notes WHERE id = 1').first<{ body: string }>())?.body).toBe('v0 behind the cache')
  expect(await reader.request().read()).toBe('v1')
  // A third isolate stores it (KV takes one fill per key per second from one isolate), and it is
  // served from the cache (a change behind it is not seen) while the replica still lags.
  const third = isolate()
  expect(await third.request().read()).toBe('v1')
  await DB.prepare("UPDATE replica_notes SET body = 'v1 behind the cache' WHERE id = 1").run()
  expect(await third.request().read()).toBe('v1')
  expect(await reader.request().read()).toBe('v1')
  expect(fake.stats.replicaReads).toBeGreaterThan(0)
})

it("the write's bookmark travels with its stamp; a reader's own session is used when it is already that recent", async () => {
  const { fake, isolate, prefix } = world()
  const [writer, reader] = [isolate(), isolate()]
  await reader.request().read()
  const writing = writer.request()
  await writing.db.update(notes).set({ body: 'v1' }).where(eq(notes.id, 1))
  const bookmark = writing.session.getBookmark?.()
  expect(bookmark).toBe(fake.latest())
  const stored = await KV.list({ prefix })
  const values = await Promise.all(stored.keys.map((key) => KV.get(key.name)))
  expect(values.some((value) => value?.endsWith(` ${bookmark}`))).toBe(true)

  // A client that carries the writer's bookmark: its own session is recent enough, no other is opened.
  const sessionsBefore = fake.stats.sessions
  expect(await reader.request(bookmark ?? undefined).read()).toBe('v1')
  expect(fake.stats.sessions).toBe(sessionsBefore + 1)
})

it('a write that gives no bookmark (through the database, not a session) sends the next miss to the primary', async () => {
  const { fake, isolate, behind } = world()
  const [writer, reader] = [isolate(), isolate()]
  expect(await reader.request().read()).toBe('v0')
  await behind('v0 behind the cache')
  await drizzle(writer.wrapped as unknown as D1Database, { cache: writer.kv })
    .update(notes)
    .set({ body: 'v1' })
    .where(eq(notes.id, 1))
  const primaryReads = fake.stats.primaryReads
  expect(await reader.request().read()).toBe('v1')
  expect(fake.stats.primaryReads).toBe(primaryReads + 1)
})

it('a session wrapped without its database cannot be re-anchored: said once, and reads after a write are served but not stored', async () => {
  const { fake, isolate, prefix } = world()
  const writer = isolate()
  const events: CacheEvent[] = []
  const kv = drizzleCache(createCache({ storage: kvStorage(KV), prefix, onEvent: (event) => events.push(event) }), {
    strategy: 'all',
    database: 'replicated',
  })
  const read = async () => {
    const db = drizzle(kv.d1(fake.database.withSession('first-unconstrained') as unknown as D1Database), { cache: kv })
    return (await db.select({ body: notes.body }).from(notes).where(eq(notes.id, 1)))[0]?.body
  }
  expect(await read()).toBe('v0')
  expect(events.filter((event) => event.type === 'misconfigured')).toHaveLength(1)
  await writer.request().db.update(notes).set({ body: 'v1' }).where(eq(notes.id, 1))
  // The replica's answer is what the database says through this session, but it is not kept.
  expect(await read()).toBe('v0')
  expect(events.some((event) => event.type === 'skip' && event.reason === 'freshness-unmet')).toBe(true)
  await fake.catchUp()
  expect(await read()).toBe('v1')
})

it('a session at the bookmark that D1 refuses never fails the query: the own session answers, unstored', async () => {
  const { fake, isolate } = world()
  const [writer, reader] = [isolate(), isolate()]
  expect(await reader.request().read()).toBe('v0')
  await writer.request().db.update(notes).set({ body: 'v1' }).where(eq(notes.id, 1))
  fake.refuseAnchored()
  expect(await reader.request().read()).toBe('v0')
  expect(reader.events.some((event) => event.type === 'skip' && event.reason === 'freshness-unmet')).toBe(true)
  await fake.catchUp()
  expect(await reader.request().read()).toBe('v1')
})
