// bench/decode: decoding a cached result vs JSON.parse of the same rows, and vs a hand-written floor.
import { fmtSpread, median, ratios, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url) })
try {
  const n = 100
  const batches = 30
  const rounds = 21
  const names = ['dates.json', 'dates.floor', 'dates.ours', 'dates.walked', 'plain.json', 'plain.ours', 'few.json', 'few.floor', 'few.ours']
  const round = (count) => worker.fetchJson(`/?paths=${names.join(',')}&n=${n}&batches=${count}`)
  const { plans } = await round(20) // warm-up: every path optimized before the first round
  if (plans.plain !== null || Object.keys(plans.few?.c ?? {}).length !== 1) throw new Error(`unexpected plans: ${JSON.stringify(plans)}`)
  // A round runs every path in short interleaved batches (see worker.ts); a ratio is taken per
  // round, then summarized as median (min to max) over rounds.
  const us = Object.fromEntries(names.map((name) => [name, []]))
  for (let i = 0; i < rounds; i++) {
    const { usPerDecode } = await round(batches)
    for (const name of names) us[name].push(usPerDecode[name])
  }
  const row = (label, path, base, floor) => [
    label,
    median(us[path]),
    path === base ? '1' : fmtSpread(ratios(us[path], us[base])),
    floor === undefined ? '' : path === floor ? '1' : fmtSpread(ratios(us[path], us[floor])),
  ]
  const headers = ['decoder', 'µs per decode (median)', 'vs JSON.parse: median (min to max)', 'vs the floor: median (min to max)']
  console.log(
    [
      "## decode: a hit's value vs JSON.parse and vs a hand-written floor (workerd)",
      '',
      `${rounds} rounds of ${n * batches} decodes per path, run as ${batches} batches of ${n} interleaved across paths in a rotating order; ratios per round, median (min to max) over rounds. JSON.parse reads the same rows as plain JSON (Dates as ISO text, BigInts as numbers). The floor parses our stored JSON and creates the special values by hand, knowing where they are: no decoder can do less.`,
      '',
      '50 rows with two Dates and a BigInt each. Target: ours within 1.1x of the floor. What separates ours from the floor: it reads and writes each column by a name it learns from the entry, where the floor has the names in its source (and checks nothing).',
      '',
      table(headers, [
        row('`JSON.parse` of the same rows as plain JSON', 'dates.json', 'dates.json', 'dates.floor'),
        row('parse + create the Dates and BigInts by hand (the floor)', 'dates.floor', 'dates.json', 'dates.floor'),
        row('row plan: revive the planned columns only (ours)', 'dates.ours', 'dates.json', 'dates.floor'),
        row('full walk: every value checked for tags (non-row values)', 'dates.walked', 'dates.json', 'dates.floor'),
      ]),
      '',
      '50 rows of strings, numbers and booleans: none special, or one Date column set in 5 rows (null in the others). Target: ours as close to JSON.parse as the rows allow.',
      '',
      table(headers, [
        row('no special values: `JSON.parse`', 'plain.json', 'plain.json'),
        row('no special values: ours', 'plain.ours', 'plain.json'),
        row('5 Dates in one column: `JSON.parse`', 'few.json', 'few.json', 'few.floor'),
        row('5 Dates in one column: parse + create the Dates by hand (the floor)', 'few.floor', 'few.json', 'few.floor'),
        row('5 Dates in one column: ours', 'few.ours', 'few.json', 'few.floor'),
      ]),
      '',
    ].join('\n'),
  )
} finally {
  await worker.dispose()
}
