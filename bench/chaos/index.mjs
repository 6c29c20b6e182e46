// bench/chaos: one mixed workload under injected faults (packages/checker's simulated world), run
// side by side on the same seeds: the cache plain, with admission, with a write cap, with a monthly
// USD cap, with admission and both caps. Per side: stale reads beyond the declared bound (must be
// 0: exits 1 otherwise), database reads, KV calls, estimated KV cost, hit rate.
// `node bench/chaos/index.mjs --seeds=1,2,3` picks the seeds.
import { importChecker } from '../lib/checker.mjs'

const seedsArg = process.argv.find((arg) => arg.startsWith('--seeds='))
const seeds = seedsArg ? seedsArg.slice('--seeds='.length).split(',').map(Number) : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]

/** Median of numbers, and their range: `12.3 (11.0 to 14.1)`; only the median when they are all the same. */
function spread(values, format) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length / 2
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
  const [low, high] = [format(sorted[0]), format(sorted.at(-1))]
  return low === high ? format(median) : `${format(median)} (${low} to ${high})`
}
const count = (value) => String(Math.round(value))
const percent = (value) => `${(value * 100).toFixed(1)} %`
const usd = (value) => `$${value.toFixed(2)}`
const signed = (value) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value * 100).toFixed(0)} %`
const points = (value) => `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value * 100).toFixed(1)}`

/** One run's figures: what the bench prints per side, per seed. */
function figuresOf(run) {
  const { totals, kv } = run.metrics
  // Requests the clients sent: those in the history, and those the database refused (dropped from it).
  const requests = run.report.operations + run.outcome.sourceFailures
  const lookups = totals.hits + totals.staleHits + totals.misses + totals.joined
  return {
    // The bound is on staleness only: any violation is a read staler than it (or a value no write wrote).
    violations: run.report.violations.length,
    failedCalls: run.outcome.errors.length,
    worstMs: run.report.worstStalenessMs,
    requests,
    dbReads: run.sourceCalls.reads,
    dbWrites: run.sourceCalls.writes,
    sourceFailures: run.outcome.sourceFailures,
    staleIfError: totals.staleIfError,
    hitRate: (totals.hits + totals.staleHits) / lookups,
    readCalls: kv.readCalls,
    readKeys: kv.readKeys,
    writes: kv.writes,
    // Per million requests: a run is ten minutes, a bill is a month.
    usdOneRead: (kv.usd.bulkReadAsOneRead / requests) * 1e6,
    usdPerKey: (kv.usd.bulkReadPerKey / requests) * 1e6,
    notAdmitted: totals.skipReasons['not-admitted'] ?? 0,
    budget: totals.skipReasons.budget ?? 0,
    kvErrors: totals.errors,
    injected: run.kv.failed,
    slow: run.kv.slow,
    rateLimited: run.kv.rateLimited,
  }
}

{
  const checker = await importChecker()
  const {
    CHAOS_ADMISSION,
    CHAOS_CAPS,
    CHAOS_MODES,
    CHAOS_SETTINGS,
    CHAOS_STALE_IF_ERROR_SECONDS,
    DEFAULT_SETTINGS,
    describeViolation,
    formatMs,
    kvBoundMs,
    runScenario,
    stampRetryWindowMs,
  } = checker
  const s = { ...DEFAULT_SETTINGS, ...CHAOS_SETTINGS }

  const sides = []
  for (const scenario of CHAOS_MODES) {
    process.stderr.write(`  ${scenario.name} ...\n`)
    const runs = []
    for (const seed of seeds) runs.push(await runScenario(scenario, seed, CHAOS_SETTINGS))
    sides.push({ scenario, runs, figures: runs.map(figuresOf) })
  }
  const plain = sides[0]
  const column = (side, pick, format) => spread(side.figures.map(pick), format)
  // Against the plain side on the same seed (the same requests): a change per seed, then its spread.
  const versusPlain = (side, pick) =>
    spread(
      side.figures.map((f, i) => pick(f) / pick(plain.figures[i]) - 1),
      signed,
    )
  const pointsVersusPlain = (side, pick) =>
    spread(
      side.figures.map((f, i) => pick(f) - pick(plain.figures[i])),
      points,
    )
  const staleCell = (side) => {
    const total = side.figures.reduce((sum, f) => sum + f.violations, 0)
    const failing = side.runs.filter((run, i) => side.figures[i].violations + side.figures[i].failedCalls > 0).map((run) => run.seed)
    return failing.length === 0 ? '0' : `**${total}** (seeds ${failing.join(', ')})`
  }

  const header = [
    'side',
    'stale beyond bound',
    'worst staleness',
    'hit rate',
    'DB reads',
    'KV read calls',
    'KV read keys',
    'KV writes',
    '$ / M requests, bulk read = 1 read',
    '$ / M requests, per key',
  ]
  const rows = sides.map((side) => [
    `${side.scenario.name}: ${side.scenario.summary}`,
    staleCell(side),
    column(side, (f) => f.worstMs, formatMs),
    column(side, (f) => f.hitRate, percent),
    column(side, (f) => f.dbReads, count),
    column(side, (f) => f.readCalls, count),
    column(side, (f) => f.readKeys, count),
    column(side, (f) => f.writes, count),
    column(side, (f) => f.usdOneRead, usd),
    column(side, (f) => f.usdPerKey, usd),
  ])
  const versusHeader = ['side, against plain on the same seed', 'KV writes', '$, bulk read = 1 read', '$, per key', 'DB reads', 'hit rate (points)']
  const versusRows = sides
    .slice(1)
    .map((side) => [
      side.scenario.name,
      versusPlain(side, (f) => f.writes),
      versusPlain(side, (f) => f.usdOneRead),
      versusPlain(side, (f) => f.usdPerKey),
      versusPlain(side, (f) => f.dbReads),
      pointsVersusPlain(side, (f) => f.hitRate),
    ])
  const faultHeader = [
    'side',
    'requests',
    'results not stored: not admitted / budget',
    'DB down: served stale-if-error / failed',
    'KV: 500s / slow / 429s injected, errors absorbed',
  ]
  const faultRows = sides.map((side) => [
    side.scenario.name,
    column(side, (f) => f.requests, count),
    `${column(side, (f) => f.notAdmitted, count)} / ${column(side, (f) => f.budget, count)}`,
    `${column(side, (f) => f.staleIfError, count)} / ${column(side, (f) => f.sourceFailures, count)}`,
    `${column(side, (f) => f.injected, count)} / ${column(side, (f) => f.slow, count)} / ${column(side, (f) => f.rateLimited, count)}, ${column(side, (f) => f.kvErrors, count)}`,
  ])
  const table = (cells) => [cells[0], cells[0].map(() => '---'), ...cells.slice(1)].map((line) => `| ${line.join(' | ')} |`).join('\n')

  const failing = sides.flatMap((side) =>
    side.runs.flatMap((run) => [
      ...run.report.violations.slice(0, 1).map((violation) => `${side.scenario.name}, seed ${run.seed}:\n${describeViolation(violation)}`),
      ...run.outcome.errors.slice(0, 1).map((error) => `${side.scenario.name}, seed ${run.seed}: a call failed: ${String(error)}`),
    ]),
  )
  const outage = s.sourceOutages[0]
  const bound = sides[0].runs[0].bound.staleMs
  const lines = [
    '## chaos: admission and caps on one mixed workload under faults (packages/checker, simulated time)',
    '',
    `${seeds.length} seeds (${seeds.join(', ')}) per side, the same seeds on every side (a seed fixes every client's requests), ${formatMs(s.durationMs)} of simulated time each: ${s.clients} clients, ${s.locations} locations × ${s.isolatesPerLocation} isolates. Reads: Zipf (exponent ${s.popularity.zipfExponent}) over ${s.keys} keys × ${s.queriesPerKey} queries, plus ${s.popularity.oneOffRatio * 100} % one-off queries never asked again; ${s.writeRatio * 100} % of requests start a burst of up to ${s.writeBurst + 1} writes to one key. Entries live ${s.entryTtlSeconds} s, with \`defaultStaleIfErrorSeconds: ${CHAOS_STALE_IF_ERROR_SECONDS}\` on every side. Faults: ${s.kvFailRatio * 100} % of KV calls fail with a 500 (half of failed writes land anyway), ${s.kvTail.ratio * 100} % are slow (${s.kvTail.slowMs[0]}-${s.kvTail.slowMs[1]} ms, past the cache's 1 s budget), a second write of a key within a second gets KV's 429, and the database refuses every call for ${formatMs(outage.durationMs)} from ${formatMs(outage.afterMs)}. The simulated KV is the one of bench/consistency (propagation up to ${formatMs(s.propagation.maxMs)}, edge \`cacheTtl\` ${s.cacheTtlSeconds} s), read and written through the real \`kvStorage\`; every isolate's cache reports to \`createMetrics()\`.`,
    '',
    `Admission: \`${JSON.stringify(CHAOS_ADMISSION)}\`. Caps are per isolate and scaled to a ten-minute run, about half of what the plain side uses per isolate: \`writesPerMinute: ${CHAOS_CAPS.writesPerMinute}\` (entry and stamp writes), \`monthlyUsd: ${CHAOS_CAPS.monthlyUsd}\` (reached partway through the run; past it nothing is stored).`,
    '',
    `Median over seeds (min to max). Cost: the run's KV calls at list prices per million client requests, under both readings of a bulk read. Hit rate: hits and stale hits over lookups (a miss whose KV read failed counts as a miss). DB reads include those the database refused; its writes are the workload's, the same on every side.`,
    '',
    table([header, ...rows]),
    '',
    table([versusHeader, ...versusRows]),
    '',
    table([faultHeader, ...faultRows]),
    '',
    `Declared bound: ${formatMs(bound)}, the KV bound (${formatMs(kvBoundMs(s))}) with the stamp writer's whole retry window (${formatMs(stampRetryWindowMs(s))}: the 1 s coalescing wait, retries after 1, 2, 4 and 8 s, each attempt a check read and a write of up to 1 s, the last write landing as late as the slowest call) in place of one retry: under injected failures a bump may need every retry.`,
    '',
    failing.length === 0
      ? 'Every side within the declared bound on every seed, and no call failed except as the database did.'
      : `Stale reads beyond the declared bound, or calls that failed because of the cache: first per side and seed:\n\n\`\`\`\n${failing.join('\n')}\n\`\`\``,
    '',
  ]
  const text = lines.join('\n')
  console.log(text)
  if (failing.length > 0) {
    // bench/run.mjs shows the last 2000 characters of stderr for a failed bench: say what failed, and the first finding.
    const where = sides.map((side) => `${side.scenario.name}: ${staleCell(side).replaceAll('*', '')}`).join('; ')
    process.stderr.write(`\nStale reads beyond the declared bound (${formatMs(bound)}) or failed calls: ${where}. First:\n${failing[0]}\n`)
    process.exitCode = 1
  }
}
