import type { Cache } from '@kvcache/core'
import { withKvCache } from '@kvcache/prisma'
import { PrismaD1 } from '@prisma/adapter-d1'
import { PrismaClient } from './generated/prisma/client'
import { models } from './generated/kvcache/models'

export function database(cache: Cache, env: { DB: D1Database }) {
  return new PrismaClient({ adapter: new PrismaD1(env.DB) }).$extends(
    withKvCache(cache, {
      models,
      fieldTracking: {
        // A view counter: an update that only bumps it leaves cached reads of posts alone.
        Post: { neverInvalidateOn: ['views'] },
        // Only a new name or email invalidates reads of users.
        User: { neverInvalidateOn: '*', alwaysInvalidateOn: ['name', 'email'] },
      },
    }),
  )
}
