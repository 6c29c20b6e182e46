// Issue 19: the coordinator under every fault of the chaos fakes, through Drizzle on real D1 (the
// binding whose tests cannot depend on this package: it runs here), entries in real KV.
import * as core from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle'
import * as storageKv from '@kvcache/storage-kv'
import { chaosBackends } from '@kvcache/test-support/chaos-backends'
import { chaosSuite } from '@kvcache/test-support/chaos-suite'
import { env } from 'cloudflare:workers'
import { asc, eq } from 'drizzle-orm'
import { createStampClock } from '@kvcache/core/storage'
import { chaosCoordinatorFake } from '@kvcache/test-support/chaos-coordinator-fake'
import { drizzle } from 'drizzle-orm/d1'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { durableObjectVersions } from '../src'
import { unique } from './helpers'

const posts = sqliteTable('chaos_posts', { id: integer('id').primaryKey(), title: text('title').notNull(), views: integer('views').notNull() })
const schema = { posts }
const behind = drizzle(env.DB, { schema })
const byId = (db: typeof behind) => db.select().from(posts).where(eq(posts.id, 1))
const all = (db: typeof behind) => db.select().from(posts).orderBy(asc(posts.id))

async function reset() {
  await env.DB.prepare('DROP TABLE IF EXISTS chaos_posts').run()
  await env.DB.prepare('CREATE TABLE chaos_posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, views INTEGER NOT NULL)').run()
  await env.DB.prepare("INSERT INTO chaos_posts (id, title, views) VALUES (1, 'Hello', 10), (2, 'World', 20)").run()
}

chaosSuite({
  binding: 'drizzle',
  backends: chaosBackends({ ...core, ...storageKv, durableObjectVersions }, { kv: env.KV, coordinator: env.KVCACHE_COORDINATOR }).filter(
    (backend) => backend.name === 'coordinator',
  ),
  reset,
  subject(cache, database) {
    const kv = drizzleCache(cache, { schema, strategy: 'all', database })
    const db = drizzle(kv.d1(env.DB), { schema, cache: kv })
    return {
      reads: [
        { name: 'a post by id', cached: () => byId(db), direct: () => byId(behind) },
        { name: 'every post', cached: () => all(db), direct: () => all(behind) },
      ],
      write: (n) =>
        db
          .update(posts)
          .set({ title: `chaos ${n}` })
          .where(eq(posts.id, 1)),
    }
  },
})

describe('chaosCoordinatorFake over the real object', () => {
  const scope = 'kvc:table:posts'
  it('a dropped bump answers its own proposal and never reaches the object', async () => {
    const chaos = chaosCoordinatorFake(env.KVCACHE_COORDINATOR, { fault: { kind: 'drop-writes' } })
    const name = unique('fake')
    const faulty = chaos.namespace.get(chaos.namespace.idFromName(name))
    const real = env.KVCACHE_COORDINATOR.getByName(name)
    const before = await real.read([scope])
    const proposal = createStampClock(Date.now).next()
    expect(await faulty.bump([scope], proposal)).toBe(proposal)
    expect(await real.read([scope])).toStrictEqual(before)
    expect(chaos.stats.dropped).toBe(1)
  })

  it('a stale read answers what the object held before the bump, for the window; then what it holds', async () => {
    let nowMs = 0
    const chaos = chaosCoordinatorFake(env.KVCACHE_COORDINATOR, { fault: { kind: 'stale-reads', forMs: 1000 }, now: () => nowMs })
    const name = unique('fake')
    const faulty = chaos.namespace.get(chaos.namespace.idFromName(name))
    const before = await env.KVCACHE_COORDINATOR.getByName(name).read([scope])
    await faulty.bump([scope], createStampClock(Date.now).next())
    const second = await faulty.bump([scope], createStampClock(() => Date.now() + 1).next())
    // The oldest answer within the window: the object's, before either bump.
    expect(await faulty.read([scope])).toStrictEqual(before)
    nowMs += 1000
    expect(await faulty.read([scope])).toStrictEqual([second])
  })
})
