// bench/bundle-size: minified and gzipped bytes per package entry, and what the cache adds to a
// Drizzle + D1 and a Kysely + D1 Worker (esbuild, `@kvcache/source` condition, as wrangler bundles).
import { fileURLToPath } from 'node:url'
import { bundleSize, kib, moduleDelta } from '../lib/bundle-size.mjs'
import { table } from '../lib/workerd.mjs'

const packages = fileURLToPath(new URL('../../packages/', import.meta.url))
const PEERS = ['drizzle-orm', 'drizzle-orm/*', 'kysely', 'vitest', 'pg', '@prisma/*']
const ENTRIES = [
  ['@kvcache/core', 'core/src/index.ts'],
  ['@kvcache/core/binding', 'core/src/binding/index.ts'],
  ['@kvcache/core/storage', 'core/src/storage.ts'],
  ['@kvcache/core/sql', 'core/src/sql/index.ts'],
  ['@kvcache/core/testing', 'core/src/testing.ts'],
  ['@kvcache/storage-kv', 'storage-kv/src/index.ts'],
  ['@kvcache/storage-cache-api', 'storage-cache-api/src/index.ts'],
  ['@kvcache/drizzle', 'drizzle/src/index.ts'],
  ['@kvcache/drizzle/d1', 'drizzle/src/d1.ts'],
  ['@kvcache/drizzle/pg', 'drizzle/src/pg.ts'],
  ['@kvcache/drizzle/libsql', 'drizzle/src/libsql.ts'],
  ['@kvcache/kysely', 'kysely/src/index.ts'],
  ['@kvcache/kysely/sqlite', 'kysely/src/sqlite.ts'],
  ['@kvcache/kysely/postgres', 'kysely/src/postgres.ts'],
  ['@kvcache/prisma', 'prisma/src/index.ts'],
  ['@kvcache/coordinator', 'coordinator/src/index.ts'],
]

const entryRows = []
for (const [name, path] of ENTRIES) {
  // Own code: every other @kvcache package and the ORM left out. With dependencies: only the ORM left out.
  const own = await bundleSize({ entry: `${packages}${path}`, external: ['@kvcache/*', ...PEERS] })
  const withDeps = await bundleSize({ entry: `${packages}${path}`, external: PEERS })
  entryRows.push([`\`${name}\``, kib(own.minifiedBytes), kib(own.gzipBytes), kib(withDeps.minifiedBytes), kib(withDeps.gzipBytes)])
}

const workers = new URL('./workers/', import.meta.url)
const workerRows = []
const added = {}
for (const [orm, plain, cached] of [
  ['Drizzle + D1', 'drizzle-d1-plain.ts', 'drizzle-d1-cached.ts'],
  ['Kysely + D1', 'kysely-d1-plain.ts', 'kysely-d1-cached.ts'],
]) {
  const without = await bundleSize({ entry: new URL(plain, workers) })
  const withCache = await bundleSize({ entry: new URL(cached, workers) })
  added[orm] = {
    minifiedBytes: withCache.minifiedBytes - without.minifiedBytes,
    gzipBytes: withCache.gzipBytes - without.gzipBytes,
    byModule: moduleDelta(without, withCache).filter(([, bytes]) => Math.abs(bytes) >= 256),
  }
  workerRows.push(
    [`${orm}, no cache`, kib(without.minifiedBytes), kib(without.gzipBytes)],
    [`${orm} + @kvcache (core, storage-kv, binding)`, kib(withCache.minifiedBytes), kib(withCache.gzipBytes)],
    [`**added by the cache**`, `**${kib(added[orm].minifiedBytes)}**`, `**${kib(added[orm].gzipBytes)}**`],
  )
}

const addedModules = [...new Set(Object.values(added).flatMap((a) => a.byModule.map(([name]) => name)))]

console.log(
  [
    '## bundle size (esbuild, minified, gzip as `wrangler deploy` reports it)',
    '',
    'Per package entry: `own` leaves every other `@kvcache/*` package and the ORM out; `with deps` bundles the `@kvcache` packages it imports (the ORM stays out). Entries are measured whole (everything they export); a Worker keeps only what it uses, which the second table measures.',
    '',
    table(['entry', 'own, minified', 'own, gzip', 'with deps, minified', 'with deps, gzip'], entryRows),
    '',
    "A Worker that reads a post with its author and comments and updates a title (bench/bundle-size/workers/), with and without the cache set up as the binding's README shows. Target: the cache adds at most 12 KiB gzipped.",
    '',
    table(['worker', 'minified', 'gzip'], workerRows),
    '',
    'Where the added minified bytes come from (modules whose share changed by at least 256 bytes):',
    '',
    table(
      ['worker', ...addedModules.map((name) => `\`${name}\``)],
      Object.entries(added).map(([orm, a]) => [orm, ...addedModules.map((name) => kib(a.byModule.find(([n]) => n === name)?.[1] ?? 0))]),
    ),
    '',
    `Sizes are deterministic: one build each. The gzip of the difference is not the difference of the gzips; the "added" row is the latter, what the upload grows by.`,
    '',
  ].join('\n'),
)
