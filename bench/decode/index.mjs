// bench/decode: decoding a cached result (50 rows with Dates and a BigInt) vs JSON.parse of the same rows.
import { median, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url) })
try {
  const n = 4000
  const rounds = 9
  const run = async (path) => (await worker.fetchJson(`/?path=${path}&n=${n}`)).msPerDecode
  for (const path of ['json', 'floor', 'planned', 'walked']) await run(path) // warm-up
  const times = { json: [], floor: [], planned: [], walked: [] }
  for (let i = 0; i < rounds; i++) for (const path of Object.keys(times)) times[path].push(await run(path))
  // Per round ratios (A and B measured back to back), then their spread across rounds.
  const ratios = (path) => times[path].map((ms, i) => ms / times.json[i]).sort((a, b) => a - b)
  const spread = (values) => `${values[0].toFixed(2)} / ${median(values).toFixed(2)} / ${values.at(-1).toFixed(2)}`
  console.log(
    [
      "## decode: a hit's value vs JSON.parse (workerd)",
      '',
      `50 rows (2 Dates and a BigInt each), ${n} decodes per round, ${rounds} rounds alternating. Ratio to \`JSON.parse\` of the same rows as plain JSON, min / median / max over rounds. Target: <= 1.15x. Creating 100 Dates and 50 BigInts is itself part of the cost, so the second row is the floor any decoder has.`,
      '',
      table(
        ['decoder', 'µs per decode (median)', 'ratio vs JSON.parse (min / median / max)'],
        [
          ['`JSON.parse` of the same rows as plain JSON', median(times.json) * 1000, '1'],
          ["parse + create the Dates and BigInts by hand (any decoder's floor)", median(times.floor) * 1000, spread(ratios('floor'))],
          ['row plan: revive the planned columns only (ours)', median(times.planned) * 1000, spread(ratios('planned'))],
          ['full walk: every value checked for tags (non-row values)', median(times.walked) * 1000, spread(ratios('walked'))],
        ],
      ),
      '',
    ].join('\n'),
  )
} finally {
  await worker.dispose()
}
