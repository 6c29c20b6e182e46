// bench/playground-load: throughput of the playground under autocannon, cache on vs off, on 127.0.0.1 only.
import autocannon from 'autocannon'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { table } from '../lib/workerd.mjs'

const appDir = fileURLToPath(new URL('../../apps/playground/', import.meta.url))
const DURATION_SECONDS = 5
const CONNECTIONS = 10

const port = await new Promise((resolve) => {
  const server = createServer()
  server.listen(0, '127.0.0.1', () => {
    const { port: free } = server.address()
    server.close(() => resolve(free))
  })
})
const state = mkdtempSync(join(tmpdir(), 'kvcache-load-'))
const child = spawn(join(appDir, 'node_modules/.bin/wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', state, '--show-interactive-dev-session=false'], {
  cwd: appDir,
  env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
})
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
  await fetch(`${base}/api/read?id=1&cache=on`)
  const run = (path) =>
    autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: DURATION_SECONDS })
  const on = await run('/api/read?id=1&cache=on')
  const off = await run('/api/read?id=1&cache=off')
  const stats = await (await fetch(`${base}/api/stats`)).json()
  console.log(
    [
      `## playground under load (autocannon, ${CONNECTIONS} connections, ${DURATION_SECONDS} s each, wrangler dev on 127.0.0.1)`,
      '',
      'The dashboard\'s read: a relational Drizzle query (post + author + comments) on D1.',
      '',
      table(
        ['cache', 'requests/s', 'p50 latency (ms)', 'p99 latency (ms)', 'errors', 'throughput vs off'],
        [
          ['on', on.requests.average, on.latency.p50, on.latency.p99, on.errors + on.non2xx, on.requests.average / off.requests.average],
          ['off', off.requests.average, off.latency.p50, off.latency.p99, off.errors + off.non2xx, 1],
        ],
      ),
      '',
      `KV calls during the run: ${stats.kv.readCalls} reads, ${stats.kv.writes} writes; D1 queries: ${stats.databaseQueries}.`,
      '',
    ].join('\n'),
  )
} finally {
  child.kill('SIGTERM')
  await new Promise((resolve) => setTimeout(resolve, 500))
  if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(state, { recursive: true, force: true })
}
