// Issue 19: Drizzle's reads and writes on real D1 under every fault of the chaos fakes, with entries
// and stamps in KV, and entries behind a Cache API L1. The coordinator's faults run through Drizzle
// in the coordinator's own tests (its package depends on this one, not the other way round).
import * as core from '@kvcache/core'
import * as storageCacheApi from '@kvcache/storage-cache-api'
import * as storageKv from '@kvcache/storage-kv'
import { chaosBackends } from '@kvcache/test-support/chaos-backends'
import { chaosSuite } from '@kvcache/test-support/chaos-suite'
import { asc, eq } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { drizzleCache } from '../../src'
import * as schema from './schema'
import { posts, users } from './schema'
import { DB, KV, resetDatabase } from './setup'

const behind = drizzle(DB, { schema })
const byId = (db: typeof behind) => db.select().from(posts).where(eq(posts.id, 1))
const withAuthors = (db: typeof behind) =>
  db.select({ id: posts.id, title: posts.title, author: users.name }).from(posts).innerJoin(users, eq(users.id, posts.authorId)).orderBy(asc(posts.id))

chaosSuite({
  binding: 'drizzle',
  backends: chaosBackends({ ...core, ...storageKv, ...storageCacheApi }, { kv: KV }),
  reset: () => resetDatabase(),
  subject(cache, database) {
    const kv = drizzleCache(cache, { schema, strategy: 'all', database })
    const db = drizzle(kv.d1(DB), { schema, cache: kv })
    return {
      reads: [
        { name: 'a post by id', cached: () => byId(db), direct: () => byId(behind) },
        { name: 'posts with their authors', cached: () => withAuthors(db), direct: () => withAuthors(behind) },
      ],
      write: (n) =>
        db
          .update(posts)
          .set({ title: `chaos ${n}` })
          .where(eq(posts.id, 1)),
    }
  },
})
