// bench/stamps: how often a delayed stamp write lands over a newer one, with and without the
// check-before-write, and how long the remaining window is (local KV, one location).
import { startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url), kvNamespaces: ['KV'] })
try {
  const trials = 200
  const blind = await worker.fetchJson(`/race?trials=${trials}&blind=1`)
  const checked = await worker.fetchJson(`/race?trials=${trials}`)
  const window = await worker.fetchJson('/window?trials=500')
  const lines = [
    '## stamps: a delayed stamp write racing a newer one (workerd, local KV)',
    '',
    `${trials} races each: isolate B's stamp write is queued (per-key write interval, shortened to 30 ms), isolate A writes a newer stamp anywhere from 10 ms before to 10 ms after B's write goes out. Counted: races where KV ends up holding the older stamp.`,
    '',
    table(
      ['writer', 'races', 'stamp moved backwards', 'rate'],
      [
        ['blind put (before the check)', blind.trials, blind.regressions, `${((100 * blind.regressions) / blind.trials).toFixed(1)}%`],
        ['check, then put (ours)', checked.trials, checked.regressions, `${((100 * checked.regressions) / checked.trials).toFixed(1)}%`],
      ],
    ),
    '',
    `The window that remains is a check read plus a put: ${window.p50.toFixed(2)} ms median, ${window.p99.toFixed(2)} ms p99 on local KV. In production, add KV's propagation: the check reads what the writer's location sees, which can lag another location's write by up to 60 s.`,
    '',
  ]
  console.log(lines.join('\n'))
} finally {
  await worker.dispose()
}
