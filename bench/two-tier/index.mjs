// bench/two-tier: hit latency for an L1 hit (Cache API) vs an L2 hit (KV) vs the database (D1), side by side.
import { alternate, fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url), kvNamespaces: ['KV'], d1Databases: ['DB'] })
try {
  await worker.fetchJson('/setup')
  const n = 200
  const rounds = 7
  const time = async (path) => {
    const started = performance.now()
    await worker.fetchJson(`${path}?n=${n}`)
    return (performance.now() - started) / n
  }
  const paths = { l1: '/l1', l2: '/l2', db: '/db' }
  for (const path of Object.values(paths)) await time(path)
  const samples = await alternate(paths, rounds, time)
  const ms = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]))
  const ops = await worker.fetchJson('/ops')
  const opsRow = (name, o) => [name, o.l1.get, o.l1.set, o.l2.get, o.l2.getMany, o.l2.set]
  console.log(
    [
      '## two-tier: L1 (Cache API) vs L2 (KV) vs database (D1), workerd',
      '',
      `${n} sequential reads of a 20-row D1 query per round, ${rounds} rounds rotating the order; median per read, the ratio per round as median (min to max).`,
      '',
      table(
        ['path', 'ms per read', 'ratio vs database'],
        [
          ['L1 hit (Cache API entry, then the KV stamps)', ms.l1, fmtSpread(ratios(samples.l1, samples.db))],
          ['L2 hit (Cache API miss, then KV)', ms.l2, fmtSpread(ratios(samples.l2, samples.db))],
          ['database (D1 query, no cache)', ms.db, 1],
        ],
      ),
      '',
      'Storage operations per request, per tier (stamps are always read from L2):',
      '',
      table(
        ['request', 'L1 get', 'L1 set', 'L2 get', 'L2 bulk get', 'L2 set'],
        [opsRow('L1 hit', ops.l1Hit), opsRow('L2 hit', ops.l2Hit), opsRow('miss (fill both tiers)', ops.miss)],
      ),
      '',
      'Local miniflare serves KV, the Cache API and D1 from one machine, so absolute numbers are far below production latencies; the operation counts are what carries over.',
      '',
    ].join('\n'),
  )
} finally {
  await worker.dispose()
}
