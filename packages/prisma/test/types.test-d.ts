// Type-level checks, compiled by `npm run typecheck`: the extended client accepts Accelerate's
// call sites and rejects what Accelerate's typings reject.
import { createCache, memoryStorage } from '@kvcache/core'
import { expectTypeOf } from 'vitest'
import { withKvCache, type AccelerateInfo } from '../src'
import { PrismaClient } from './.generated/pg/client/client.ts'
import { models } from './.generated/pg/kvcache/models.js'

declare const base: PrismaClient
const prisma = base.$extends(withKvCache(createCache({ storage: memoryStorage() }), { models }))

export async function accepted() {
  const users = await prisma.user.findMany({ where: { name: 'Ada' }, cacheStrategy: { ttl: 60, swr: 30, tags: ['users'] } })
  expectTypeOf(users[0]?.email).toEqualTypeOf<string | undefined>()
  const one = await prisma.user.findUnique({ where: { id: 1 }, select: { email: true }, cacheStrategy: { ttl: 60 } })
  expectTypeOf(one).toEqualTypeOf<{ email: string } | null>()
  const count = await prisma.post.count({ cacheStrategy: { ttl: 60, autoInvalidate: false } })
  expectTypeOf(count).toEqualTypeOf<number>()
  const { data, info } = await prisma.post.findMany({ cacheStrategy: { ttl: 60 } }).withAccelerateInfo()
  expectTypeOf(data[0]?.title).toEqualTypeOf<string | undefined>()
  expectTypeOf(info).toEqualTypeOf<AccelerateInfo | null>()
  expectTypeOf(await prisma.$accelerate.invalidate({ tags: ['users'] })).toEqualTypeOf<{ readonly requestId: string }>()
  await prisma.$accelerate.invalidateAll()
  await prisma.$cache.invalidate({ models: ['User'] })
  // Writes keep their own types.
  const created = await prisma.user.create({ data: { email: 'a@x' } })
  expectTypeOf(created.id).toEqualTypeOf<number>()
}

export async function rejected() {
  // @ts-expect-error cacheStrategy is for reads only, as with Accelerate
  await prisma.user.create({ data: { email: 'a@x' }, cacheStrategy: { ttl: 60 } })
  // @ts-expect-error ttl is a number of seconds
  await prisma.user.findMany({ cacheStrategy: { ttl: '60' } })
  // @ts-expect-error unknown cacheStrategy field
  await prisma.user.findMany({ cacheStrategy: { ttlSeconds: 60 } })
}
