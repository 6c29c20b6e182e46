// bench/isolate-startup: what the cache adds to a fresh isolate. (1) V8 compiling and evaluating
// the bundled Worker, in a fresh Node process each time (same engine family as workerd, no
// process start in the number); (2) a fresh workerd (Miniflare) serving its first request.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Miniflare } from 'miniflare'
import { alternate, bundleWorker, fmtSpread, median, ratios, table } from '../lib/workerd.mjs'

const workers = new URL('../bundle-size/workers/', import.meta.url)
const VARIANTS = {
  plain: { label: 'Drizzle + D1, no cache', entry: new URL('drizzle-d1-plain.ts', workers) },
  cached: { label: 'Drizzle + D1 + @kvcache (KV storage)', entry: new URL('drizzle-d1-cached.ts', workers) },
}
const dir = mkdtempSync(join(tmpdir(), 'kvcache-startup-'))
try {
  const scripts = {}
  for (const [name, { entry }] of Object.entries(VARIANTS)) {
    scripts[name] = await bundleWorker(entry)
    writeFileSync(join(dir, `${name}.mjs`), scripts[name])
  }

  // (1) Module compile + evaluate, 21 fresh processes per variant, alternating.
  const loader = fileURLToPath(new URL('./load-module.mjs', import.meta.url))
  const evaluate = (name) => Number(execFileSync(process.execPath, [loader, pathToFileURL(join(dir, `${name}.mjs`)).href], { encoding: 'utf8' }))
  for (const name of Object.keys(VARIANTS)) evaluate(name)
  const moduleMs = await alternate({ plain: 'plain', cached: 'cached' }, 31, async (name) => evaluate(name))

  // (2) A fresh workerd: start to ready, then the first request (a relational read of post 1).
  const d1Persist = join(dir, 'd1')
  const seed = new Miniflare({
    modules: true,
    script: scripts.plain,
    d1Databases: ['DB'],
    d1Persist,
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
  })
  const db = await seed.getD1Database('DB')
  await db.batch([
    db.prepare('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)'),
    db.prepare('CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, updated_at INTEGER NOT NULL)'),
    db.prepare('CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL, body TEXT NOT NULL)'),
    db.prepare("INSERT INTO users VALUES (1, 'Ada')"),
    db.prepare("INSERT INTO posts VALUES (1, 1, 'First', 'Hello', 1767225600000)"),
    db.prepare("INSERT INTO comments VALUES (1, 1, 'Nice'), (2, 1, 'Indeed')"),
  ])
  await seed.dispose()
  const firstResponse = async (name) => {
    const started = performance.now()
    const mf = new Miniflare({
      modules: true,
      script: scripts[name],
      d1Databases: ['DB'],
      d1Persist,
      kvNamespaces: ['CACHE_KV'],
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['nodejs_compat'],
    })
    try {
      await mf.ready
      const ready = performance.now()
      const response = await mf.dispatchFetch('http://bench.local/?id=1')
      const body = await response.json()
      if (body?.title !== 'First') throw new Error(`${name}: first response ${JSON.stringify(body)}`)
      return { readyMs: ready - started, firstMs: performance.now() - ready }
    } finally {
      await mf.dispose()
    }
  }
  await firstResponse('plain')
  const fresh = await alternate({ plain: 'plain', cached: 'cached' }, 15, firstResponse)
  const firstOf = (name) => fresh[name].map((sample) => sample.firstMs)
  const readyOf = (name) => fresh[name].map((sample) => sample.readyMs)

  console.log(
    [
      '## isolate start-up: a Drizzle + D1 Worker with and without the cache',
      '',
      'The Workers of bench/bundle-size (unminified, as `wrangler deploy` uploads by default). Median, spread as median (min to max) of per-round differences and ratios.',
      '',
      table(
        ['measure', VARIANTS.plain.label, VARIANTS.cached.label, 'cached - plain', 'cached / plain'],
        [
          [
            'V8 compile + evaluate of the module (ms, Node 20, 31 fresh processes each)',
            median(moduleMs.plain),
            median(moduleMs.cached),
            fmtSpread(moduleMs.cached.map((v, i) => v - moduleMs.plain[i])),
            fmtSpread(ratios(moduleMs.cached, moduleMs.plain)),
          ],
          [
            'fresh workerd: start until ready (ms, 15 each)',
            median(readyOf('plain')),
            median(readyOf('cached')),
            fmtSpread(readyOf('cached').map((v, i) => v - readyOf('plain')[i])),
            fmtSpread(ratios(readyOf('cached'), readyOf('plain'))),
          ],
          [
            'fresh workerd: first request, a read of post 1 (ms; cached: a miss, then the fill in waitUntil)',
            median(firstOf('plain')),
            median(firstOf('cached')),
            fmtSpread(firstOf('cached').map((v, i) => v - firstOf('plain')[i])),
            fmtSpread(ratios(firstOf('cached'), firstOf('plain'))),
          ],
        ],
      ),
      '',
      'Bundle sizes: plain ' +
        `${(scripts.plain.length / 1024).toFixed(0)} KiB, cached ${(scripts.cached.length / 1024).toFixed(0)} KiB (unminified). Cloudflare's start-up limit is measured on the deployed script; the first row is the same work (parse, compile, top-level evaluation) on this machine.`,
      '',
    ].join('\n'),
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
