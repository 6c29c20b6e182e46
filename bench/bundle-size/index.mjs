// bench/bundle-size: what the cache adds to a Drizzle + D1, a Kysely + D1 and a Prisma + D1 Worker
// as `wrangler deploy` reports it (its default, unminified, and with `--minify`), from the
// workspace's wrangler and the built packages; and esbuild's minified and gzipped bytes per package
// entry, from the TypeScript sources (`@kvcache/source` condition).
import { fileURLToPath } from 'node:url'
import { bundleSize, kib, moduleDelta } from '../lib/bundle-size.mjs'
import { table } from '../lib/workerd.mjs'
import { generatePrismaClient } from './prisma-client.mjs'
import { assertBuilt, wranglerSize, wranglerVersion } from './wrangler-size.mjs'

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

// The same Worker without and with the cache (only the cache's lines differ), under the same
// wrangler.jsonc; each built as wrangler does by default and with --minify.
const WORKERS = [
  ['Drizzle + D1', 'drizzle-d1-plain.ts', 'drizzle-d1-cached.ts'],
  ['Kysely + D1', 'kysely-d1-plain.ts', 'kysely-d1-cached.ts'],
  ['Prisma + D1', 'prisma-d1-plain.ts', 'prisma-d1-cached.ts'],
]
assertBuilt(['core', 'storage-kv', 'drizzle', 'kysely', 'prisma'])
generatePrismaClient()

const workers = new URL('./workers/', import.meta.url)
const kib2 = (value) => `${value.toFixed(2)} KiB`
const workerRows = []
const added = {}
for (const [orm, plain, cached] of WORKERS) {
  const measure = (file) => ({
    unminified: wranglerSize({ entry: new URL(file, workers), minify: false }),
    minified: wranglerSize({ entry: new URL(file, workers), minify: true }),
  })
  const without = measure(plain)
  const withCache = measure(cached)
  const row = (sizes) => [sizes.unminified.rawKib, sizes.unminified.gzipKib, sizes.minified.rawKib, sizes.minified.gzipKib]
  const difference = row(withCache).map((value, i) => value - row(without)[i])
  added[orm] = moduleDelta(without.minified, withCache.minified).filter(([, bytes]) => Math.abs(bytes) >= 256)
  workerRows.push(
    [`${orm}, no cache`, ...row(without).map(kib2)],
    [`${orm} + @kvcache (README setup)`, ...row(withCache).map(kib2)],
    [`**added by the cache**`, ...difference.map((value) => `**${kib2(value)}**`)],
  )
}

const addedModules = [...new Set(Object.values(added).flatMap((delta) => delta.map(([name]) => name)))]

console.log(
  [
    '## bundle size (as `wrangler deploy` reports it)',
    '',
    `A Worker that reads a post with its author and comments and updates a title (bench/bundle-size/workers/), without the cache and with it set up as the binding's README shows, under the READMEs' \`wrangler.jsonc\` (\`nodejs_compat\`). Measured with \`wrangler deploy --dry-run\` (wrangler ${wranglerVersion}, the workspace's) on the built packages, as an app installing them gets them: \`Total Upload: <raw> / gzip: <gzip>\` as wrangler prints it, by default (unminified) and with \`--minify\` (\`"minify": true\` in wrangler.jsonc). The gzip column is what counts against the Workers size limit. Prisma's totals include its query compiler (Wasm), the same on both sides. Target (issue 21): the cache adds at most 15 KiB gzipped to the Drizzle + D1 Worker's \`--minify\` build; bench/bundle-attribution breaks that number down per feature and module, before and after, and measures it with \`keep_names = false\`.`,
    '',
    table(['worker', '`wrangler deploy`', 'gzip', '`wrangler deploy --minify`', 'gzip'], workerRows),
    '',
    "Where the added bytes come from (`--minify`, bytes per module before gzip, from wrangler's esbuild metafile; modules whose share changed by at least 256 bytes). `worker` is the Worker's own files, for Prisma with its generated client (`prismaCodecs(Prisma)` keeps more of the `Prisma` namespace). Wrangler keeps function names (`keep_names`, on by default): that is the gap to a plain esbuild `--minify` build of the same Worker.",
    '',
    table(
      ['worker', ...addedModules.map((name) => `\`${name}\``)],
      Object.entries(added).map(([orm, delta]) => [orm, ...addedModules.map((name) => kib(delta.find(([n]) => n === name)?.[1] ?? 0))]),
    ),
    '',
    'Per package entry (esbuild from the TypeScript sources, minified, gzipped; not what a Worker pays: that is the table above). `own` leaves every other `@kvcache/*` package and the ORM out; `with deps` bundles the `@kvcache` packages it imports (the ORM stays out). Entries are measured whole (everything they export); a Worker keeps only what it uses.',
    '',
    table(['entry', 'own, minified', 'own, gzip', 'with deps, minified', 'with deps, gzip'], entryRows),
    '',
    'Sizes are deterministic: one build each. The gzip of the difference is not the difference of the gzips; the "added" row is the latter, what the upload grows by.',
    '',
  ].join('\n'),
)
