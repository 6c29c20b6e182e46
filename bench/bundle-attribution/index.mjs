// bench/bundle-attribution: where the bytes the cache adds to the Drizzle + D1 Worker of
// bench/bundle-size come from, per feature and per module, before (a committed snapshot of an
// earlier commit's build, see snapshot.mjs) and after (this checkout's built packages).
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { table } from '../lib/workerd.mjs'
import { assertBuilt, wranglerVersion } from '../bundle-size/wrangler-size.mjs'
import { measureDrizzleD1, OPT_IN_MODULES } from './attribution.mjs'

const TARGET_GZIP_KIB = 15
const here = fileURLToPath(new URL('.', import.meta.url))
const snapshotFile = readdirSync(here).find((name) => /^before-[0-9a-f]+\.json$/.test(name))
const before = JSON.parse(readFileSync(`${here}${snapshotFile}`, 'utf8'))

assertBuilt(['core', 'storage-kv', 'drizzle'])
const after = await measureDrizzleD1()

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`
const change = (from, to) => {
  const text = ((to - from) / 1024).toFixed(1)
  return Number(text) === 0 ? '0.0 KiB' : `${Number(text) > 0 ? '+' : ''}${text} KiB`
}
const sides = (from = { minBytes: 0, gzipBytes: 0 }, to = { minBytes: 0, gzipBytes: 0 }) => [
  kib(from.minBytes),
  kib(from.gzipBytes),
  kib(to.minBytes),
  kib(to.gzipBytes),
  change(from.gzipBytes, to.gzipBytes),
]
const minus = (a, b) => ({ minBytes: a.minBytes - b.minBytes, gzipBytes: a.gzipBytes - b.gzipBytes })
const headers = (first) => [first, `${before.commit}, minified`, `${before.commit}, gzip`, 'now, minified', 'now, gzip', 'gzip change']

/** Rows for every name on either side with any bytes, largest now first. */
function rows(beforeSizes, afterSizes) {
  const names = [...new Set([...Object.keys(beforeSizes), ...Object.keys(afterSizes)])].filter(
    (name) => (beforeSizes[name]?.minBytes ?? 0) > 0 || (afterSizes[name]?.minBytes ?? 0) > 0,
  )
  const gzipNow = (name) => afterSizes[name]?.gzipBytes ?? 0
  return names
    .sort((a, b) => gzipNow(b) - gzipNow(a) || (beforeSizes[b]?.gzipBytes ?? 0) - (beforeSizes[a]?.gzipBytes ?? 0))
    .map((name) => [`\`${name}\``, ...sides(beforeSizes[name], afterSizes[name])])
}

const met = after.added.keepNames.gzipBytes <= TARGET_GZIP_KIB * 1024
console.log(
  [
    '## bundle attribution: what the cache adds to a Drizzle + D1 Worker, per feature and module',
    '',
    `The Drizzle + D1 Worker of bench/bundle-size (workers/drizzle-d1-cached.ts against drizzle-d1-plain.ts), bundled as \`wrangler deploy --minify\` does (wrangler ${wranglerVersion}'s esbuild settings: minified, \`keep_names\` on unless \`keep_names = false\`, target es2024, workerd conditions) with \`@kvcache/*\` from the built dist/; gzip at zlib's default level, as wrangler reports it. "Added by the cache" is the same difference of totals as bench/bundle-size's \`--minify\` column. Before: the packages of commit ${before.commit}, built in a worktree (bench/bundle-attribution/${snapshotFile}, written by snapshot.mjs); now: this checkout's build. Target: the cache adds at most ${TARGET_GZIP_KIB} KiB gzipped to this Worker's default minified build: **${met ? 'met' : 'missed'}** (${kib(after.added.keepNames.gzipBytes)}).`,
    '',
    table(headers('total'), [
      ['**added by the cache** (wrangler default `--minify`)', ...sides(before.added.keepNames, after.added.keepNames).map((cell) => `**${cell}**`)],
      ['added by the cache, `keep_names = false`', ...sides(before.added.noKeepNames, after.added.noKeepNames)],
      [
        'added by the cache, default `wrangler deploy` (unminified; "minified" columns: unminified bytes)',
        ...sides(before.added.unminified, after.added.unminified),
      ],
      ['our modules, all of them (marginal)', ...sides(before.ours, after.ours)],
      [`opt-in modules (marginal): ${OPT_IN_MODULES.map((name) => `\`${name}\``).join(', ')}`, ...sides(before.optIn, after.optIn)],
      [
        'floor: added with every opt-in module gone (added minus the row above)',
        ...sides(minus(before.added.keepNames, before.optIn), minus(after.added.keepNames, after.optIn)),
      ],
      ['floor: core + KV storage alone, no SQL layer, no binding (entries/core-kv.ts against an empty Worker)', ...sides(before.coreKv, after.coreKv)],
    ]),
    '',
    `Why ${TARGET_GZIP_KIB} KiB is out of reach without dropping features: the last row is the cache's key-value core alone (read path, version stamps, keys and SHA-256, codec, options) and is already over it; SQL-derived invalidation for Drizzle (SQL reader, planner, catalog, SQLite introspection, the binding) comes on top, and moving every opt-in feature out of the default path would save at most the opt-in row. What was tried (measured on ${before.commit}'s sources, one change at a time): dist/ with minified local names (tsup \`minifyIdentifiers\`: wrangler's \`keep_names\` then wraps short names; -1.2 KiB for \`--minify\`, -8.3 KiB for the default build); a fully minified dist/ (-0.4 and -10.4 KiB: worse for \`--minify\`, where the target is) and whitespace + syntax minification only (+0.9 and -2.6 KiB); shorter setup warnings and conflict errors, and one shared value formatter (-0.2 KiB). \`keep_names = false\` in wrangler.jsonc is documented in the README (the second row). tsup's chunks do not defeat tree shaking: the sources and dist/ bundle to the same size.`,
    '',
    'Per feature and per module: the marginal cost, gzip(bundle) - gzip(bundle without those bytes), from the source map of the `--minify` build (keep_names on; a `__name()` wrapper counts toward the function it names). Marginal costs do not add up to the total: gzip shares repeats across modules.',
    '',
    table(headers('feature'), rows(before.features, after.features)),
    '',
    table(headers('module'), rows(before.modules, after.modules)),
    '',
    'Sizes are deterministic: one build each.',
    '',
  ].join('\n'),
)
