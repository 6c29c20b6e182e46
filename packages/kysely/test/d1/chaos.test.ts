// Issue 19: Kysely's reads and writes on real D1 under every fault of the chaos fakes, with entries
// and stamps in KV, entries behind a Cache API L1, and stamps in the Durable Object coordinator.
import * as core from '@kvcache/core'
import * as coordinator from '@kvcache/coordinator'
import * as storageCacheApi from '@kvcache/storage-cache-api'
import * as storageKv from '@kvcache/storage-kv'
import { chaosBackends } from '@kvcache/test-support/chaos-backends'
import { chaosSuite } from '@kvcache/test-support/chaos-suite'
import { env } from 'cloudflare:workers'
import { Kysely } from 'kysely'
import { D1Dialect } from 'kysely-d1'
import { kyselyCache } from '../../src'
import type { Database } from './schema'
import { DB, KV, resetDatabase } from './setup'

const behind = new Kysely<Database>({ dialect: new D1Dialect({ database: DB }) })
const byId = (db: Kysely<Database>) => db.selectFrom('posts').select(['id', 'title']).where('id', '=', 1).executeTakeFirst()
const all = (db: Kysely<Database>) => db.selectFrom('posts').select(['id', 'title', 'views']).orderBy('id').execute()

chaosSuite({
  binding: 'kysely',
  backends: chaosBackends(
    { ...core, ...storageKv, ...storageCacheApi, ...coordinator },
    { kv: KV, coordinator: (env as unknown as { KVCACHE_COORDINATOR: object }).KVCACHE_COORDINATOR },
  ),
  reset: () => resetDatabase(),
  subject(cache, database) {
    const db = new Kysely<Database>({ dialect: kyselyCache(new D1Dialect({ database: DB }), cache, { strategy: 'all', database }) })
    return {
      reads: [
        { name: 'a post by id', cached: () => byId(db), direct: () => byId(behind) },
        { name: 'every post', cached: () => all(db), direct: () => all(behind) },
      ],
      write: (n) =>
        db
          .updateTable('posts')
          .set({ title: `chaos ${n}` })
          .where('id', '=', 1)
          .execute(),
    }
  },
})
