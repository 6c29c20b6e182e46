// bench/core: a cache hit through createCache vs the one-round-trip floor (a raw bulk get of the
// very keys the hit reads, in the same state, + JSON.parse), and KV operations per request.
import { alternate, fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url), kvNamespaces: ['KV'] })
try {
  const setup = await worker.fetchJson('/setup')
  if (!setup.present.every(Boolean) || setup.keys.length < 2)
    throw new Error(`setup: the hit must read an entry and a present stamp, got ${JSON.stringify(setup)}`)
  const n = 150
  const rounds = 21
  const time = async (path) => {
    const started = performance.now()
    const { hits } = await worker.fetchJson(`${path}?n=${n}`)
    if (hits !== n) throw new Error(`${path}: expected ${n} hits, got ${hits}`)
    return (performance.now() - started) / n
  }
  // Warm every path, then alternate so drift affects all sides equally; report medians and spreads.
  const paths = { ours: '/hit', floor: '/floor', raw: '/raw' }
  for (const path of Object.values(paths)) await time(path)
  const ms = await alternate(paths, rounds, time)
  const ops = await worker.fetchJson('/ops')

  const lines = [
    '## core: cache hit vs the one-round-trip floor (workerd, local KV)',
    '',
    `${n} sequential reads of a 50-row result per round, ${rounds} rounds rotating the order of paths; median per read, spread of the per-round ratio as median (min to max). The hit and the floor read the same ${setup.keys.length} keys (entry + stamp), all present in KV. Target: ours within 1.25x of the floor.`,
    '',
    table(
      ['path', 'ms per read', 'ours / this, per round'],
      [
        ['`cache.query` hit (bulk get of entry + stamp, validity check, decode)', median(ms.ours), '1'],
        ['floor: `KV.get([entryKey, stampKey])` + `JSON.parse` of the payload (same keys, same state)', median(ms.floor), fmtSpread(ratios(ms.ours, ms.floor))],
        ['raw `KV.get(key)` + `JSON.parse` (entry only, no stamp)', median(ms.raw), fmtSpread(ratios(ms.ours, ms.raw))],
      ],
    ),
    '',
    'The gap between the first two rows is the cost of the cache itself (header parse, stamp check, decode). Local KV (miniflare) serves a two-key bulk get slower than a single get; on Cloudflare both are one call, so the last row is not a floor.',
    '',
    'KV operations per request (target: 1 read call per hit, 1 write per fill, 1 write per scope bumped, 0 deletes):',
    '',
    table(
      ['request', 'read calls', 'keys read', 'writes', 'deletes'],
      Object.entries({
        hit: ops.hit,
        'miss (then fill)': ops.miss,
        'invalidate 1 table': ops.invalidateOne,
        'invalidate 3 tables': ops.invalidateThree,
      }).map(([name, c]) => [name, c.readCalls, c.keysRead, c.writes, c.deletes]),
    ),
    '',
  ]
  console.log(lines.join('\n'))
} finally {
  await worker.dispose()
}
