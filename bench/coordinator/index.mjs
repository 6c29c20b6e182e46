// bench/coordinator: what one coordinator object sustains, hit cost with stamps in a Durable
// Object vs in KV (side by side), and calls per hit / miss / write.
import { alternate, fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({
  entry: new URL('./worker.ts', import.meta.url),
  kvNamespaces: ['KV'],
  durableObjects: { COORDINATOR: 'KvCacheCoordinator' },
})
try {
  await worker.fetchJson('/setup')

  // 1. One object, calls kept in flight from one Worker.
  const throughputRows = []
  for (const op of ['read', 'bump']) {
    for (const concurrency of [1, 16, 64]) {
      const samples = []
      for (let round = 0; round < 3; round++) {
        const { calls, ms } = await worker.fetchJson(`/throughput?op=${op}&concurrency=${concurrency}&ms=1000`)
        samples.push((calls * 1000) / ms)
      }
      throughputRows.push([op === 'read' ? 'read 3 stamps' : 'bump 3 scopes', concurrency, fmtSpread(samples.map(Math.round))])
    }
  }

  // 2. Hit latency, alternating paths so drift affects all equally.
  const n = 300
  const rounds = 5
  const paths = {
    kv: '/hits?mode=kv',
    strong: '/hits?mode=strong',
    strongMemo: '/hits?mode=strong&memo=1',
    twoTierKv: '/hits?mode=two-tier-kv',
    twoTierStrong: '/hits?mode=two-tier-strong',
    twoTierStrongMemo: '/hits?mode=two-tier-strong&memo=1',
  }
  const time = async (path) => {
    const started = performance.now()
    const { hits } = await worker.fetchJson(`${path}&n=${n}`)
    if (hits !== n) throw new Error(`${path}: expected ${n} hits, got ${hits}`)
    return (performance.now() - started) / n
  }
  for (const path of Object.values(paths)) await time(path)
  const samples = await alternate(paths, rounds, time)
  const ms = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]))
  const vsKv = (key) => fmtSpread(ratios(samples[key], samples.kv))

  // 3. Calls per operation.
  const ops = await worker.fetchJson('/ops')
  const opsRows = []
  for (const [mode, label] of [
    ['kv', 'KV stamps'],
    ['strong', 'coordinator'],
    ['two-tier-kv', 'two-tier + KV stamps'],
    ['two-tier-strong', 'two-tier + coordinator'],
  ]) {
    for (const [op, name] of [
      ['hit', 'hit'],
      ['secondHit', '2 hits, one request'],
      ['miss', 'miss (then fill)'],
      ['write', 'write (2 tables)'],
    ]) {
      const c = ops[mode][op]
      opsRows.push([label, name, c.cacheApiCalls, c.kvReadCalls, c.kvWrites, c.rpcReads, c.rpcBumps])
    }
  }

  console.log(
    [
      '## coordinator: stamps in a Durable Object (workerd, local KV, Cache API and SQLite-backed Durable Object)',
      '',
      'Calls per second one object served, with that many calls kept in flight from one Worker, 1 s per sample, 3 samples as median (min to max):',
      '',
      table(['call', 'in flight', 'calls/s'], throughputRows),
      '',
      `Hit latency: ${n} sequential hits of a 50-row result per round (each its own request unless noted), ${rounds} rounds rotating the order, median per hit; ratio per round as median (min to max):`,
      '',
      table(
        ['path', 'ms per hit', 'ratio vs KV stamps'],
        [
          ['KV stamps: one bulk KV get (entry + stamp)', ms.kv, 1],
          ['coordinator: KV get + coordinator call, in parallel', ms.strong, vsKv('strong')],
          ['coordinator, later lookups of one request (memo)', ms.strongMemo, vsKv('strongMemo')],
          ['two-tier + KV stamps: Cache API + KV stamp get', ms.twoTierKv, vsKv('twoTierKv')],
          ['two-tier + coordinator: Cache API + coordinator call', ms.twoTierStrong, vsKv('twoTierStrong')],
          ['two-tier + coordinator, later lookups of one request', ms.twoTierStrongMemo, vsKv('twoTierStrongMemo')],
        ],
      ),
      '',
      'Calls per request:',
      '',
      table(['store', 'request', 'Cache API calls', 'KV read calls', 'KV writes', 'coordinator reads', 'coordinator bumps'], opsRows),
      '',
      'A bump answers only once its SQLite write is confirmed (the output gate), which is what bounds bumps here; reads touch no storage round trip. Everything runs on one machine: a coordinator call costs a local RPC, not the network hop to the object (same colo at best, another continent at worst), and local KV serves a bulk get slower than production does, so only the call counts carry over, and the object rates are an upper bound from one process. Size production shards for about a thousand calls per second per object (`coordinatorLoad`).',
      '',
    ].join('\n'),
  )
} finally {
  await worker.dispose()
}
