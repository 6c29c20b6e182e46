// `drizzleKv` must cost nothing to a Worker that builds its cache with `createCache` (issue 21's
// size target): the README's two Workers, bundled as wrangler bundles them.
import { workerBundle } from '@kvcache/test-support/worker-bundle'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
/** The one-line form's modules: this binding's and storage-kv's. */
const ONE_LINE = ['one-line.ts', 'request-cache.ts', 'split-options.ts', 'same-options.ts']

describe('drizzleKv tree-shakes away', () => {
  it('the explicit form (createCache + drizzleCache) bundles none of its modules', async () => {
    const { ourModules } = await workerBundle(root, 'test/d1/readme-example.ts')
    expect(ourModules).toEqual(expect.arrayContaining(['d1.ts', 'kv-storage.ts']))
    expect(ourModules.filter((path) => ONE_LINE.includes(path))).toStrictEqual([])
  })

  it('the one-line form bundles them', async () => {
    const { ourModules } = await workerBundle(root, 'test/d1/worker/index.ts')
    expect(ourModules).toEqual(expect.arrayContaining(ONE_LINE))
  })
})
