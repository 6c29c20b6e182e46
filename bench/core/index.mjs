// bench/core: a cache hit through createCache vs a raw KV.get + JSON.parse, and KV operations per request.
import { median, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url), kvNamespaces: ['KV'] })
try {
  await worker.fetchJson('/setup')
  const n = 300
  const rounds = 7
  const time = async (path) => {
    const started = performance.now()
    const { hits } = await worker.fetchJson(`${path}?n=${n}`)
    if (hits !== n) throw new Error(`${path}: expected ${n} hits, got ${hits}`)
    return (performance.now() - started) / n
  }
  // Warm both paths, then alternate so drift affects both sides equally; report medians.
  await time('/hit')
  await time('/raw')
  await time('/rawbulk')
  const ours = []
  const raw = []
  const rawBulk = []
  for (let i = 0; i < rounds; i++) {
    ours.push(await time('/hit'))
    raw.push(await time('/raw'))
    rawBulk.push(await time('/rawbulk'))
  }
  const oursMs = median(ours)
  const rawMs = median(raw)
  const rawBulkMs = median(rawBulk)
  const ops = await worker.fetchJson('/ops')

  const lines = [
    '## core: cache hit vs raw KV (workerd, local KV)',
    '',
    `${n} sequential reads of a 50-row result per round, ${rounds} rounds, median per read. Target: ours within 1.25x of raw.`,
    '',
    table(
      ['path', 'ms per read', 'ratio vs raw get', 'ratio vs raw bulk get'],
      [
        ['raw `KV.get(key)` + `JSON.parse`', rawMs, 1, rawMs / rawBulkMs],
        ['raw `KV.get([key, stampKey])` + `JSON.parse` (the one-round-trip floor)', rawBulkMs, rawBulkMs / rawMs, 1],
        ['`cache.query` hit (bulk get, validity check, decode)', oursMs, oursMs / rawMs, oursMs / rawBulkMs],
      ],
    ),
    '',
    'Local KV (miniflare) serves a two-key bulk get slower than a single get; on Cloudflare both are one call. The gap between the last two rows is the cost of the cache itself.',
    '',
    'KV operations per request (target: 1 read call per hit, 1 write per fill, 1 write per scope bumped, 0 deletes):',
    '',
    table(
      ['request', 'read calls', 'keys read', 'writes', 'deletes'],
      Object.entries({
        'hit': ops.hit,
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
