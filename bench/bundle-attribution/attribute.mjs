// Where the bytes of a Worker bundle come from: each entry in ./entries is bundled the way
// wrangler does (esbuild, minified, ESM, workerd conditions), gzipped at level 9, and the output
// is attributed back to source files through the source map. A group's gzipped cost is marginal:
// gzip(bundle) - gzip(bundle without that group's bytes), so the numbers answer "what would
// removing this save", and they do not add up exactly.
//
//   node bench/bundle-attribution/attribute.mjs [entry...] [--dist] [--orm-external] [--modules] [--features]
//
// --dist          resolve @kvcache/* to the built dist files (run `pnpm -r build` first), as users get them;
//                 default: the TypeScript sources (the @kvcache/source condition), no build needed
// --orm-external  leave drizzle-orm / kysely out: the cache's own code alone
// --modules       one row per source module of ours
// --features      rows per feature of the core and the SQL layer (lists below)
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const flag = (name) => args.includes(`--${name}`)
const only = args.filter((arg) => !arg.startsWith('--'))
const ENTRIES = ['core-kv', 'drizzle-d1-plain', 'drizzle-d1-root', 'drizzle-d1', 'kysely-d1-plain', 'kysely-d1-root', 'kysely-d1']

const FEATURES = {
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
  ],
  'core: version stamps, invalidation': ['storage-versions', 'stamp-writer', 'clock', 'trusted-versions', 'invalidate', 'transaction', 'bulk-get'],
  'core: keys, hashing (SHA-256 in JS)': ['hash', 'sha256', 'layout', 'scopes', 'text'],
  'core: codec (Date, BigInt, bytes round trip)': ['codec', 'codec-encode', 'codec-decode', 'codec-shared'],
  'core: bookmarks (HMAC-signed)': ['bookmark'],
  'core: options, errors, breaker, TTL, timeouts': ['settings', 'options', 'errors', 'breaker', 'ttl', 'timeout'],
  'sql: lexer and statement reader': ['sql/tokens', 'sql/reader', 'sql/reads', 'sql/writes', 'sql/names', 'sql/memo'],
  'sql: primary-key filters from SQL text (row scopes)': ['sql/key-filter', 'sql/describe'],
  'sql: planner': ['sql/planner'],
  'sql: catalog, catalog cache, cascade/trigger reach': ['sql/catalog', 'sql/catalog-cache', 'sql/binding-catalog', 'sql/effects'],
  'sql: SQLite introspection': ['sql/introspect-sqlite'],
  'sql: PostgreSQL introspection': ['sql/introspect-postgres', 'sql/postgres-queries'],
}

const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length
const kb = (bytes) => (bytes / 1024).toFixed(1)

/** `core/read-path`, `core/sql/planner`, `drizzle/binding`... for our files; `npm` or `entry` otherwise. */
function moduleOf(path) {
  const ours = /packages\/([^/]+)\/(?:src|dist)\/(.*)\.(?:ts|js)$/.exec(path)
  if (ours) return `${ours[1]}/${ours[2]}`
  return path.includes('node_modules') ? 'npm' : 'entry'
}

function groupOf(module) {
  if (module === 'npm' || module === 'entry') return module
  if (module.startsWith('core/sql/')) return 'core/sql'
  return module.split('/')[0]
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

async function bundle(name) {
  const alias = flag('dist')
    ? Object.fromEntries(
        [
          ['core/binding', 'core/dist/binding.js'],
          ['core/storage', 'core/dist/storage.js'],
          ['core/sql', 'core/dist/sql.js'],
          ['core', 'core/dist/index.js'],
          ['storage-kv', 'storage-kv/dist/index.js'],
          ['drizzle/d1', 'drizzle/dist/d1.js'],
          ['drizzle', 'drizzle/dist/index.js'],
          ['kysely/sqlite', 'kysely/dist/sqlite.js'],
          ['kysely', 'kysely/dist/index.js'],
        ].map(([name, file]) => [`@kvcache/${name}`, `${here}../../packages/${file}`]),
      )
    : {}
  const result = await build({
    entryPoints: [`${here}entries/${name}.ts`],
    outfile: `${here}out/${name}.js`,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    sourcemap: 'external',
    conditions: [...(flag('dist') ? [] : ['@kvcache/source']), 'workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    external: ['cloudflare:*', 'node:*', ...(flag('orm-external') ? ['drizzle-orm', 'drizzle-orm/*', 'kysely', 'kysely-d1'] : [])],
    nodePaths: [`${here}../node_modules`],
    alias,
    logLevel: 'error',
  })
  const code = result.outputFiles.find((file) => file.path.endsWith('.js')).text
  const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.map')).text)
  return { code, map }
}

/** The bundle's bytes owned by each source module, and a way to cut any set of modules out. */
function attribution({ code, map }) {
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
  const total = gz(code)
  const cost = (drop) => {
    const rest = without(drop)
    return { min: code.length - rest.length, gz: total - gz(rest) }
  }
  return { modules: [...new Set(modules)], cost }
}

const rows = []
for (const name of ENTRIES.filter((entry) => only.length === 0 || only.includes(entry))) {
  const output = await bundle(name)
  const { modules, cost } = attribution(output)
  const groups = [...new Set(modules.map(groupOf))].filter((group) => group !== 'entry')
  const parts = groups.map((group) => {
    const size = cost((module) => groupOf(module) === group)
    return `${group} ${kb(size.min)} / ${kb(size.gz)}`
  })
  rows.push(`| ${name} | ${kb(output.code.length)} | ${kb(gz(output.code))} | ${parts.join(', ')} |`)
  const details = []
  if (flag('modules')) {
    for (const module of modules.filter((module) => module !== 'npm' && module !== 'entry')) details.push([module, cost((m) => m === module)])
  }
  if (flag('features')) {
    for (const [feature, files] of Object.entries(FEATURES)) {
      const names = new Set(files.map((file) => `core/${file}`))
      details.push([feature, cost((module) => names.has(module))])
    }
    for (const group of groups.filter((group) => group !== 'core' && group !== 'core/sql' && group !== 'npm')) {
      details.push([`${group} (all of it)`, cost((module) => groupOf(module) === group)])
    }
  }
  if (details.length > 0) {
    console.log(`\n${name}: marginal bytes (minified / gzipped)\n`)
    for (const [label, { min, gz: zipped }] of details.filter(([, size]) => size.min > 0).sort((a, b) => b[1].gz - a[1].gz)) {
      console.log(`${String(min).padStart(7)} ${String(zipped).padStart(6)}  ${label}`)
    }
  }
}
console.log(`\n| entry | KB min | KB gz | per group: KB min / KB gz (marginal) |\n|---|---:|---:|---|\n${rows.join('\n')}`)
