// bench/hit-cpu: the fixed CPU cost of a hit beyond its storage call.
import { alternate, fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url) })
try {
  const setup = await worker.fetchJson('/setup')
  const rounds = 15
  const nOf = { tiny: 4000, plain: 1000, tagged: 1000 }
  const rows = []
  for (const payload of Object.keys(nOf)) {
    const n = nOf[payload]
    const time = async (path) => {
      const started = performance.now()
      const { ok } = await worker.fetchJson(`${path}?payload=${payload}&n=${n}`)
      if (ok !== n) throw new Error(`${path} ${payload}: ${ok} of ${n} reads returned the rows`)
      return ((performance.now() - started) / n) * 1000
    }
    await time('/hit')
    await time('/floor')
    await time('/guarded')
    const us = await alternate({ hit: '/hit', floor: '/floor', guarded: '/guarded' }, rounds, time)
    const minus = (a, b) => a.map((value, i) => value - b[i])
    rows.push([
      payload,
      setup[payload].entryBytes,
      median(us.hit),
      median(us.floor),
      median(us.guarded),
      fmtSpread(minus(us.hit, us.floor)),
      fmtSpread(minus(us.hit, us.guarded)),
      fmtSpread(ratios(us.hit, us.floor)),
    ])
  }
  console.log(
    [
      '## hit CPU: what a hit costs beyond its storage call (workerd, in-isolate memory storage)',
      '',
      `Storage is \`memoryStorage()\` in the same isolate, so neither side waits on I/O. Floor: the same bulk storage call for the same keys (entry + stamp) and \`JSON.parse\` of the stored payload. Guarded floor: the same, with the storage call raced against a timer that is cleared when it settles: the least a read that must not hang on a stuck storage does (every cache read has its \`timeoutMs\`). Ours: \`cache.query\` hit (key, header, stamp check, timeout, decode). ${rounds} rounds rotating the order; microseconds per read as median, per-round spread as median (min to max). Target (issue 21): ours within 3 µs of the floor for tiny and plain.`,
      '',
      table(['result', 'entry bytes', 'ours (µs)', 'floor (µs)', 'guarded floor (µs)', 'ours - floor (µs)', 'ours - guarded floor (µs)', 'ours / floor'], rows),
      '',
      '`tiny`: one row of two fields, so the difference is the fixed cost per hit. `plain`: 50 rows of strings, numbers and booleans. `tagged`: 50 rows each holding a Date and a BigInt (stored as plain JSON plus a plan of those columns; bench/decode measures the revival alone against `JSON.parse`).',
      '',
    ].join('\n'),
  )
} finally {
  await worker.dispose()
}
