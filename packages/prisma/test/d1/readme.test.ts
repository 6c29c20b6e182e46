import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { seed } from '../shared/helpers'
import { d1Harness, DB, KV } from './harness'
import exampleSource from './readme-example.ts?raw'
import { database } from './readme-example'

it('the README shows exactly the example this test runs', () => {
  expect(readme).toContain(exampleSource.trim())
})

it('the README example caches D1 reads in KV and serves fresh rows after a write', async () => {
  const h = await d1Harness()
  const { hello } = await seed(h)
  const env = { DB, CACHE_KV: KV }
  const titles = (prisma: any) => prisma.post.findMany({ select: { title: true }, orderBy: { id: 'asc' }, cacheStrategy: { ttl: 60 } })

  const ctx = createExecutionContext()
  expect(await titles(database(env, ctx))).toStrictEqual([{ title: 'Hello' }, { title: 'Notes' }, { title: 'World' }])
  await waitOnExecutionContext(ctx)

  // Changed behind the cache's back: the next request still gets the cached rows.
  await h.behind.post.update({ where: { id: hello.id }, data: { title: 'behind' } })
  const next = createExecutionContext()
  const prisma = database(env, next)
  expect(await titles(prisma)).toStrictEqual([{ title: 'Hello' }, { title: 'Notes' }, { title: 'World' }])
  // A write through the client invalidates: the next read is fresh.
  await prisma.post.update({ where: { id: hello.id }, data: { title: 'Hello, again' } })
  expect(await titles(prisma)).toStrictEqual([{ title: 'Hello, again' }, { title: 'Notes' }, { title: 'World' }])
  await waitOnExecutionContext(next)
})
