// Issue 19 (found by the playground's metrics): a cache made without `waitUntil` in workerd. A
// second bump of a key within KV's one write per key per second must wait in the background;
// after the response, workerd never fires that request's timers, so the stamp was never written
// and every later bump of the key in the isolate joined the dead write. Real workerd, real requests.
import { workerScript } from '@kvcache/test-support/worker-bundle'
import { Miniflare } from 'miniflare'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'

let miniflare: Miniflare

beforeAll(async () => {
  const script = await workerScript(fileURLToPath(new URL('./no-wait-until-worker.ts', import.meta.url)))
  miniflare = new Miniflare({ modules: true, script, compatibilityDate: '2026-04-01', kvNamespaces: ['CACHE_KV'] })
  await miniflare.ready
})
afterAll(() => miniflare?.dispose())

const get = async (path: string) => (await miniflare.dispatchFetch(`http://worker${path}`)).json() as Promise<Record<string, number | null>>
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

it('every bump reaches KV, also those that had to wait out the per-key interval, and those after them', async () => {
  await get('/bump')
  const second = await get('/bump') // within a second of the first: its write has to wait
  await sleep(1500)
  expect((await get('/stamp')).stampMs).toBeGreaterThanOrEqual(second.at as number)
  await sleep(1100)
  const third = await get('/bump')
  const fourth = await get('/bump')
  await sleep(1500)
  expect((await get('/stamp')).stampMs).toBeGreaterThanOrEqual(Math.max(third.at as number, fourth.at as number))
}, 20_000)
