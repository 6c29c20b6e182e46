import { bundleWorker, DRIZZLE_D1 } from './attribution.mjs'
const { code } = await bundleWorker({ entry: DRIZZLE_D1.cached, external: ['drizzle-orm', 'drizzle-orm/*'] })
const helper = /var (\w+)=\(\w+,\w+\)=>\w+\(\w+,"name",\{value:\w+,configurable:!0\}\)/.exec(code)
console.log('helper', helper?.[0])
const h = helper[1]
const calls = code.match(new RegExp(`\\b${h}\\([^()]{0,40}?,"[^"]*"\\)`, 'g')) ?? []
console.log(
  'wrappers',
  calls.length,
  'bytes',
  calls.reduce((n, c) => n + c.length, 0),
)
const byName = {}
for (const c of calls) {
  const n = /"([^"]*)"\)$/.exec(c)[1]
  byName[n.length > 3 ? 'long' : 'short'] = (byName[n.length > 3 ? 'long' : 'short'] ?? 0) + 1
}
console.log(
  byName,
  calls
    .filter((c) => /"[^"]{4,}"\)$/.test(c))
    .slice(0, 60)
    .join(' '),
)
