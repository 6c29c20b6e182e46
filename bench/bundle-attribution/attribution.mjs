// Where a Worker bundle's bytes come from: bundle an entry as wrangler does (esbuild, minified,
// `keep_names` on, ESM, workerd conditions), gzip it, and attribute the output back to source
// files through the source map (esbuild chains the built packages' own maps to their src/).
// A module's cost is marginal: gzip(bundle) - gzip(bundle without that module's bytes), so the
// numbers answer "what would removing this save", and they do not add up exactly.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const here = fileURLToPath(new URL('.', import.meta.url))

/** The packages/ directory benches measure by default: this checkout's. */
export const livePackagesDir = fileURLToPath(new URL('../../packages/', import.meta.url))

/** Feature groups of the core (files under packages/core/src, without `.ts`); a module in none of them is reported as `core: other`. */
export const FEATURES = {
  'core: read path, views, fill, de-dup': [
    'read-path',
    'view',
    'view-state',
    'storage-read',
    'fill',
    'dedupe',
    'isolate',
    'judge',
    'entry',
    'create-cache',
    'bounded-map',
    'read-labels',
    'query-status',
    'stale-if-error',
    'operations',
    'budget',
    'kv-cost',
  ],
  'core: version stamps, invalidation': [
    'storage-versions',
    'stamp-writer',
    'clock',
    'trusted-versions',
    'invalidate',
    'transaction',
    'bulk-get',
    'changes',
    'row-keys',
    'relation-names',
  ],
  'core: keys, hashing (SHA-256 in JS)': ['hash', 'sha256', 'layout', 'scopes', 'text', 'database-identity'],
  'core: codec (Date, BigInt, bytes round trip)': ['codec', 'codec-encode', 'codec-decode', 'codec-shared', 'codec-rows'],
  'core: bookmarks (HMAC-signed)': ['bookmark'],
  'core: options, errors, breaker, TTL, timeouts': ['settings', 'options', 'read-options', 'errors', 'breaker', 'ttl', 'timeout', 'source-position'],
  'core: binding runtime (sessions, field tracking, source lag)': [
    'binding/runtime',
    'binding/binding-options',
    'binding/field-tracking-options',
    'binding/plan-safely',
    'binding/session-routing',
    'binding/source-lag',
    'binding/transaction-step',
    'field-tracking',
  ],
  'sql: lexer and statement reader': ['sql/tokens', 'sql/reader', 'sql/reads', 'sql/writes', 'sql/names', 'sql/memo', 'sql/set-columns', 'sql/volatile'],
  'sql: primary-key filters from SQL text (row scopes)': ['sql/key-filter', 'sql/describe'],
  'sql: planner': ['sql/planner'],
  'sql: catalog, catalog cache, cascade/trigger reach': ['sql/catalog', 'sql/catalog-cache', 'sql/binding-catalog', 'sql/effects'],
  'sql: SQLite introspection': ['sql/introspect-sqlite'],
  'sql: PostgreSQL introspection': ['sql/introspect-postgres', 'sql/postgres-queries'],
}

/** Gzip as `wrangler deploy` reports it (zlib's default level, as lib/bundle-size.mjs). */
export const gzipBytes = (text) => gzipSync(Buffer.from(text)).length

/** `core/read-path`, `core/sql/planner`, `drizzle/binding`... for our files; `npm` or `entry` otherwise. */
export function moduleOf(path) {
  const ours = /packages\/([^/]+)\/(?:src|dist)\/(.*)\.(?:ts|js)$/.exec(path)
  if (ours) return `${ours[1]}/${ours[2]}`
  return path.includes('node_modules') ? 'npm' : 'entry'
}

/** `core`, `core/sql`, `drizzle`, `storage-kv`, `npm`, `entry`. */
export function groupOf(module) {
  if (module === 'npm' || module === 'entry') return module
  if (module.startsWith('core/sql/')) return 'core/sql'
  return module.split('/')[0]
}

/** The feature a module of ours belongs to (see FEATURES); packages other than core are their own feature. */
export function featureOf(module) {
  const group = groupOf(module)
  if (group !== 'core' && group !== 'core/sql') return `${group} (all of it)`
  const file = module.slice('core/'.length)
  for (const [feature, files] of Object.entries(FEATURES)) if (files.includes(file)) return feature
  return `${group === 'core' ? 'core' : 'sql'}: other`
}

/** Whether a module is the cache's code (not the ORM's, not the Worker's). */
export const isOurs = (module) => module !== 'npm' && module !== 'entry'

/**
 * Resolves `@kvcache/<package>[/<subpath>]` to the built file its package.json exports (`default`)
 * under `packagesDir`, as an app installing the packages gets them. With `packagesDir` a worktree of
 * another commit, that commit's build is measured.
 */
function distResolver(packagesDir) {
  return {
    name: 'kvcache-dist',
    setup(build) {
      build.onResolve({ filter: /^@kvcache\// }, ({ path }) => {
        const [, name, subpath] = /^@kvcache\/([^/]+)(\/.*)?$/.exec(path)
        const manifest = JSON.parse(readFileSync(`${packagesDir}${name}/package.json`, 'utf8'))
        const target = manifest.exports[`.${subpath ?? ''}`]
        if (!target?.default) throw new Error(`${path}: no "default" export in packages/${name}/package.json`)
        return { path: `${packagesDir}${name}/${target.default.replace(/^\.\//, '')}` }
      })
    },
  }
}

/**
 * Bundles `entry` (a file path) the way `wrangler deploy --minify` does (wrangler 4: esbuild with
 * `keepNames` unless `keep_names = false`, target es2024, workerd conditions), or with `minify: false`
 * as `wrangler deploy` does by default, with `@kvcache/*` from `packagesDir`'s built dist/.
 * `external` leaves modules out (e.g. the ORM). Returns { code, map }.
 */
export async function bundleWorker({ entry, packagesDir = livePackagesDir, minify = true, keepNames = true, external = [] }) {
  const result = await build({
    entryPoints: [entry],
    outfile: `${here}out/worker.js`,
    bundle: true,
    minify,
    keepNames,
    format: 'esm',
    platform: 'neutral',
    target: 'es2024',
    write: false,
    sourcemap: 'external',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*', ...external],
    nodePaths: [`${here}../node_modules`],
    plugins: [distResolver(packagesDir)],
    logLevel: 'error',
  })
  const code = result.outputFiles.find((file) => file.path.endsWith('.js')).text
  const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.map')).text)
  return { code, map }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Source-map segments per generated line: `[column, sourceIndex]` (-1 for unmapped). */
function decodeMappings(mappings) {
  let source = 0
  return mappings.split(';').map((line) => {
    let column = 0
    return line
      .split(',')
      .filter(Boolean)
      .map((segment) => {
        const values = []
        let value = 0
        let shift = 0
        for (const char of segment) {
          const digit = B64.indexOf(char)
          value += (digit & 31) << shift
          if (digit & 32) shift += 5
          else {
            values.push(value & 1 ? -(value >> 1) : value >> 1)
            value = 0
            shift = 0
          }
        }
        column += values[0]
        if (values.length > 1) source += values[1]
        return [column, values.length > 1 ? source : -1]
      })
  })
}

/**
 * The bundle's source modules and `cost(drop)`: the minified and gzipped bytes that cutting every
 * module for which `drop(module)` is true would save ({ minBytes, gzipBytes }).
 */
export function attribution({ code, map }) {
  const lines = code.split('\n')
  const modules = map.sources.map(moduleOf)
  const ranges = decodeMappings(map.mappings).map((segments, line) =>
    segments.map(([column, source], i) => [column, i + 1 < segments.length ? segments[i + 1][0] : lines[line].length, source]),
  )
  const without = (drop) =>
    lines
      .map((line, index) => {
        let kept = ''
        let last = 0
        for (const [start, end, source] of ranges[index] ?? []) {
          if (source < 0 || !drop(modules[source])) continue
          kept += line.slice(last, start)
          last = end
        }
        return kept + line.slice(last)
      })
      .join('\n')
  const total = gzipBytes(code)
  const cost = (drop) => {
    const rest = without(drop)
    return { minBytes: code.length - rest.length, gzipBytes: total - gzipBytes(rest) }
  }
  return { modules: [...new Set(modules)], cost }
}

/** The Drizzle + D1 Worker of bench/bundle-size, without and with the cache. */
export const DRIZZLE_D1 = {
  plain: fileURLToPath(new URL('../bundle-size/workers/drizzle-d1-plain.ts', import.meta.url)),
  cached: fileURLToPath(new URL('../bundle-size/workers/drizzle-d1-cached.ts', import.meta.url)),
}

/** A Worker with the core and KV storage only (no SQL layer, no binding), and an empty one. */
const CORE_KV = { plain: `${here}entries/empty.ts`, cached: `${here}entries/core-kv.ts` }

/**
 * Modules that only do something when an option asks for them (`bookmarkSecret`, `budget` /
 * `admission`, `fieldTracking`, `staleIfErrorSeconds`, a lagging source such as Hyperdrive): their
 * marginal cost together is the most that moving every opt-in feature out of the default path could save.
 */
export const OPT_IN_MODULES = [
  'core/bookmark',
  'core/budget',
  'core/kv-cost',
  'core/field-tracking',
  'core/binding/field-tracking-options',
  'drizzle/field-schema',
  'core/stale-if-error',
  'core/binding/source-lag',
]

/**
 * Everything bench/bundle-attribution reports for the Drizzle + D1 Worker built from `packagesDir`:
 * what the cache adds (the same difference bench/bundle-size takes of wrangler's totals) to the
 * `--minify` build with and without keep_names and to the default unminified build (`minBytes`
 * is then the unminified size), and per module and per feature the marginal cost of our code.
 */
export async function measureDrizzleD1(packagesDir = livePackagesDir) {
  const size = (output) => ({ minBytes: output.code.length, gzipBytes: gzipBytes(output.code) })
  const builds = { keepNames: { keepNames: true }, noKeepNames: { keepNames: false }, unminified: { minify: false } }
  const added = {}
  const outputs = {}
  const difference = async (worker, options) => {
    const plain = size(await bundleWorker({ entry: worker.plain, packagesDir, ...options }))
    const output = await bundleWorker({ entry: worker.cached, packagesDir, ...options })
    const cached = size(output)
    return { output, added: { minBytes: cached.minBytes - plain.minBytes, gzipBytes: cached.gzipBytes - plain.gzipBytes } }
  }
  for (const [name, options] of Object.entries(builds)) {
    const measured = await difference(DRIZZLE_D1, options)
    outputs[name] = measured.output
    added[name] = measured.added
  }
  const { modules, cost } = attribution(outputs.keepNames)
  const ours = modules.filter(isOurs).sort()
  const features = [...new Set(ours.map(featureOf))].sort()
  return {
    added,
    coreKv: (await difference(CORE_KV, builds.keepNames)).added,
    optIn: cost((module) => OPT_IN_MODULES.includes(module)),
    ours: cost(isOurs),
    modules: Object.fromEntries(ours.map((module) => [module, cost((m) => m === module)])),
    features: Object.fromEntries(features.map((feature) => [feature, cost((m) => isOurs(m) && featureOf(m) === feature)])),
  }
}
