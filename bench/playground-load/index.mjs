// bench/playground-load: the playground under load (wrangler dev on 127.0.0.1, autocannon), a
// realistic read mix: 1,000 posts with Zipf-distributed popularity, 1 and 10 connections, cache on
// vs off. Each response says how the playground served it (hit, miss, or merged into another
// request's in-flight lookup), so request merging is reported apart from hits.
import autocannon from 'autocannon'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { seededRandom, zipf } from '../lib/random.mjs'
import { fmt, fmtSpread, median, ratios, table } from '../lib/workerd.mjs'
import { POSTS, seedPlaygroundD1 } from './seed.mjs'

const appDir = fileURLToPath(new URL('../../apps/playground/', import.meta.url))
const SEED = 20260401
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5)
const CONNECTIONS = [1, 10]

const port = await new Promise((resolve) => {
  const server = createServer()
  server.listen(0, '127.0.0.1', () => {
    const { port: free } = server.address()
    server.close(() => resolve(free))
  })
})
const state = mkdtempSync(join(tmpdir(), 'kvcache-load-'))
// What `pnpm dev` runs first: the playground's Prisma page needs its generated client.
execFileSync(process.execPath, [join(appDir, 'scripts/prisma-generate.mjs')], { cwd: appDir, stdio: 'pipe' })
seedPlaygroundD1({ appDir, stateDir: state })
const child = spawn(
  join(appDir, 'node_modules/.bin/wrangler'),
  ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false'],
  {
    cwd: appDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
)

// One run: `connections` autocannon connections for DURATION_SECONDS, each drawing post ids from
// its own seeded Zipf sequence; outcomes counted from the response bodies.
function run(base, mode, connections, seed) {
  const outcomes = {}
  let nextConnection = 0
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections,
        duration: DURATION_SECONDS,
        requests: [
          {
            setupRequest(request, context) {
              context.nextId ??= zipf({ n: POSTS, exponent: 0.99, random: seededRandom(seed * 100 + nextConnection++) })
              return { ...request, path: `/api/read?id=${context.nextId()}&cache=${mode}` }
            },
            onResponse(status, body) {
              const outcome = status === 200 ? (/"outcome":"(\w+)"/.exec(body)?.[1] ?? 'unknown') : `http ${status}`
              outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve({ result, outcomes })),
    )
  })
}

try {
  const base = await new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${output}`)), 60_000)
    const onData = (chunk) => {
      output += chunk
      const ready = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (ready) {
        clearTimeout(timer)
        resolve(ready[1])
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
  })
  const first = await (await fetch(`${base}/api/read?id=${POSTS}&cache=off`)).json()
  if (first.post?.id !== POSTS) throw new Error(`playground-load: post ${POSTS} missing after seeding: ${JSON.stringify(first).slice(0, 200)}`)
  // Steady state: every post read once through the cache first, as earlier traffic would have.
  let next = 1
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let id = next++; id <= POSTS; id = next++) await (await fetch(`${base}/api/read?id=${id}&cache=on`)).arrayBuffer()
    }),
  )
  await fetch(`${base}/api/reset`, { method: 'POST' })

  const samples = Object.fromEntries(
    CONNECTIONS.flatMap((c) => [
      [`on-${c}`, []],
      [`off-${c}`, []],
    ]),
  )
  for (let round = 0; round < ROUNDS; round++) {
    for (const connections of CONNECTIONS) {
      const modes = round % 2 === 0 ? ['on', 'off'] : ['off', 'on']
      for (const mode of modes) samples[`${mode}-${connections}`].push(await run(base, mode, connections, SEED + round))
    }
  }
  const stats = await (await fetch(`${base}/api/stats`)).json()

  const rows = []
  for (const connections of CONNECTIONS) {
    for (const mode of ['on', 'off']) {
      const runs = samples[`${mode}-${connections}`]
      const off = samples[`off-${connections}`]
      const outcomes = {}
      for (const { outcomes: o } of runs) for (const [name, count] of Object.entries(o)) outcomes[name] = (outcomes[name] ?? 0) + count
      const total = Object.values(outcomes).reduce((a, b) => a + b, 0)
      const share = (name) => `${((100 * (outcomes[name] ?? 0)) / total).toFixed(1)}%`
      const rps = runs.map(({ result }) => result.requests.average)
      rows.push([
        connections,
        mode,
        fmtSpread(rps),
        fmt(median(runs.map(({ result }) => result.latency.p50))),
        fmt(median(runs.map(({ result }) => result.latency.p99))),
        mode === 'off' ? '-' : `${share('hit')} / ${share('miss')} / ${share('shared')}${outcomes.stale ? ` / stale ${share('stale')}` : ''}`,
        runs.reduce((sum, { result }) => sum + result.errors + result.non2xx, 0),
        mode === 'off'
          ? '1'
          : fmtSpread(
              ratios(
                rps,
                off.map(({ result }) => result.requests.average),
              ),
            ),
      ])
    }
  }
  console.log(
    [
      `## playground under load (wrangler dev on 127.0.0.1, autocannon)`,
      '',
      `The dashboard's read: a relational Drizzle query (post + author + comments) on D1, with the playground's cache (Cache API + KV). ${POSTS} posts, ids drawn per connection from a seeded Zipf distribution (exponent 0.99); ${DURATION_SECONDS} s per run, ${ROUNDS} rounds alternating cache on and off; every post read once through the cache before measuring (steady state). Everything local: absolute numbers are this machine's, see the production model for network latencies.`,
      '',
      table(['connections', 'cache', 'requests/s median (min to max)', 'p50 ms', 'p99 ms', 'hit / miss / merged', 'errors', 'throughput vs off'], rows),
      '',
      '"merged": the request found an identical lookup already in flight in the isolate and took its result (the playground reports it as `shared`); it made no storage call of its own, so it is counted apart from hits.',
      '',
      `During the measured runs: ${stats.kv.readCalls} KV read calls, ${stats.kv.writes} KV writes, ${stats.databaseQueries} D1 queries.`,
      '',
    ].join('\n'),
  )
} finally {
  child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 500))
  if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(state, { recursive: true, force: true })
}
