// `requestCache` must cost nothing to a Worker that builds its cache with `createCache` and
// `kvStorage` (issue 21's size target): neither its modules (bundled from source, as in this
// repository) nor its code once the package is one file (as tsup publishes `dist/index.js`).
import { WORKER_BUILD } from '@kvcache/test-support/worker-bundle'
import { build, type BuildOptions } from 'esbuild'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const WORKER_OPTIONS: BuildOptions = {
  ...WORKER_BUILD,
  mainFields: [...WORKER_BUILD.mainFields],
  conditions: [...WORKER_BUILD.conditions],
  write: false,
  metafile: true,
  minify: true,
}
/** Text only `requestCache` carries. */
const MARKER = 'one cache per KV namespace per isolate'
const ONE_LINE_MODULES = ['src/request-cache.ts', 'src/same-options.ts', 'src/split-options.ts']

const explicit = (from: string) => `
import { createCache } from '@kvcache/core'
import { kvStorage } from '${from}'
let cache
export default { fetch: (request, env, ctx) => { cache ??= createCache({ storage: kvStorage(env.CACHE_KV) }); return cache.withContext({ waitUntil: (p) => ctx.waitUntil(p) }).wrap('k', () => 1).then(String).then((v) => new Response(v)) } }
`
const oneLine = (from: string) => `
import { requestCache } from '${from}'
export default { fetch: (request, env, ctx) => requestCache(env.CACHE_KV, ctx).wrap('k', () => 1).then(String).then((v) => new Response(v)) }
`

async function bundle(contents: string, external: string[] = []) {
  const result = await build({ ...WORKER_OPTIONS, external, stdin: { contents, resolveDir: root, loader: 'js' } })
  const [output] = Object.values(result.metafile?.outputs ?? {})
  const modules = Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path.replace(/^.*storage-kv\//, ''))
  return { text: result.outputFiles?.[0]?.text ?? '', modules }
}

const dir = mkdtempSync(join(tmpdir(), 'kvcache-storage-kv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('requestCache tree-shakes away for the explicit createCache form', () => {
  it('from source: none of its modules is in the bundle', async () => {
    const { modules, text } = await bundle(explicit('@kvcache/storage-kv'))
    expect(modules).toContain('src/kv-storage.ts')
    expect(modules.filter((path) => ONE_LINE_MODULES.includes(path))).toStrictEqual([])
    expect(text).not.toContain(MARKER)
    expect((await bundle(oneLine('@kvcache/storage-kv'))).text).toContain(MARKER)
  })

  it('from one file, as published: its code is dropped', async () => {
    const published = join(dir, 'index.js')
    await build({
      entryPoints: [join(root, 'src/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      outfile: published,
      external: ['@kvcache/core', '@kvcache/core/*'],
      logLevel: 'silent',
    })
    // The core stays out of these bundles: what is measured is the package's own file.
    const core = ['@kvcache/core', '@kvcache/core/*']
    expect((await bundle(explicit(published), core)).text).not.toContain(MARKER)
    expect((await bundle(oneLine(published), core)).text).toContain(MARKER)
  })
})
