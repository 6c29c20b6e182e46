import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { expect, it } from 'vitest'
import readme from '../../README.md?raw'
import { seed } from '../shared/helpers'
import { d1Harness, DB, KV } from './harness'
import exampleSource from './readme-example.ts?raw'
import { database } from './readme-example'
import querySource from './readme-query.ts?raw'
import { titles } from './readme-query'
import wranglerSource from './readme-wrangler.jsonc?raw'

it('the README shows exactly the examples this test runs, and a wrangler.jsonc with the bindings they use', () => {
  expect(readme).toContain(exampleSource.trim())
  expect(readme).toContain(querySource.trim())
  expect(readme).toContain(wranglerSource.trim())
  const wrangler = JSON.parse(wranglerSource)
  expect(wrangler).toMatchObject({
    name: expect.any(String),
    main: expect.any(String),
    compatibility_date: expect.any(String),
    compatibility_flags: ['nodejs_compat'],
  })
  expect([wrangler.d1_databases[0].binding, wrangler.kv_namespaces[0].binding]).toEqual(['DB', 'CACHE_KV'])
})

it('the README example caches D1 reads in KV, says so per query, and serves fresh rows after a write', async () => {
  const h = await d1Harness()
  const { hello } = await seed(h)
  const env = { DB, CACHE_KV: KV }

  const ctx = createExecutionContext()
  expect(await titles(database(env, ctx))).toStrictEqual({ titles: ['Hello', 'Notes', 'World'], cacheStatus: 'miss' })
  await waitOnExecutionContext(ctx)

  // Changed behind the cache's back: the next request still gets the cached rows.
  await h.behind.post.update({ where: { id: hello.id }, data: { title: 'behind' } })
  const next = createExecutionContext()
  const prisma = database(env, next)
  expect(await titles(prisma)).toStrictEqual({ titles: ['Hello', 'Notes', 'World'], cacheStatus: 'ttl' })
  // A write through the client invalidates: the next read is fresh.
  await prisma.post.update({ where: { id: hello.id }, data: { title: 'Hello, again' } })
  expect(await titles(prisma)).toStrictEqual({ titles: ['Hello, again', 'Notes', 'World'], cacheStatus: 'miss' })
  await waitOnExecutionContext(next)
})
