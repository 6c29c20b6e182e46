import type { Cache } from '@kvcache/core'
import { drizzleCache } from '@kvcache/drizzle/d1'
import { drizzle } from 'drizzle-orm/d1'
import * as schema from './schema'

export function database(cache: Cache, env: { DB: D1Database }) {
  const kv = drizzleCache(cache, {
    schema,
    strategy: 'all',
    fieldTracking: {
      // A view counter: an update that only bumps it leaves cached reads of posts alone.
      posts: { neverInvalidateOn: ['views'] },
      // Only a new name invalidates reads of users.
      users: { neverInvalidateOn: '*', alwaysInvalidateOn: ['name'] },
    },
  })
  return drizzle(kv.d1(env.DB), { schema, cache: kv })
}
