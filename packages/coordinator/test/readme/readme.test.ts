import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { expect, it } from 'vitest'
import readme from '../../README.md?raw'
import exampleSource from './worker.ts?raw'
import wranglerSource from './wrangler.jsonc?raw'
import { readStock, stockChanged } from './worker'

// This project runs with exactly the README's wrangler.jsonc: its bindings and migration are what is tested.
const bindings = env as unknown as Parameters<typeof readStock>[0]

it('the README shows exactly the configuration and the example this test runs', () => {
  expect(readme).toContain(wranglerSource.trim())
  expect(readme).toContain(exampleSource.trim())
})

it('the README example caches, and serves the new value as soon as the write returns', async () => {
  const db = new Map([['sku-1', { sku: 'sku-1', stock: 5 }]])
  const loadStock = async (sku: string) => structuredClone(db.get(sku))
  const run = async <T>(work: (ctx: ExecutionContext) => Promise<T>) => {
    const ctx = createExecutionContext()
    const result = await work(ctx)
    await waitOnExecutionContext(ctx)
    return result
  }
  expect(await run((ctx) => readStock(bindings, ctx, loadStock))).toStrictEqual({ sku: 'sku-1', stock: 5 })

  // Changed behind the cache's back: the next read is a hit, so the coordinator (SQLite, per the migration) answered.
  db.set('sku-1', { sku: 'sku-1', stock: 4 })
  expect(await run((ctx) => readStock(bindings, ctx, loadStock))).toStrictEqual({ sku: 'sku-1', stock: 5 })

  await run((ctx) => stockChanged(bindings, ctx))
  expect(await run((ctx) => readStock(bindings, ctx, loadStock))).toStrictEqual({ sku: 'sku-1', stock: 4 })
})
