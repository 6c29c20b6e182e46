// bench/large-entries: how long a cache hit takes as entries grow (workerd, local KV).
import { fmtSpread, startWorker, table } from '../lib/workerd.mjs'

const worker = await startWorker({ entry: new URL('./worker.ts', import.meta.url), kvNamespaces: ['KV'] })
try {
  const sizes = [100 * 1024, 1024 * 1024, 5 * 1024 * 1024, 20 * 1024 * 1024]
  const rows = []
  for (const bytes of sizes) {
    const { times } = await worker.fetchJson(`/?bytes=${bytes}&rounds=7`)
    rows.push([`${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`, fmtSpread(times)])
  }
  console.log(
    [
      '## large entries: hit time by entry size (workerd, local KV)',
      '',
      'Rows of about 1 KiB with a Date each; 7 hits after one fill, ms as median (min to max). The default read budget (`timeoutMs`) is 1000 ms.',
      '',
      table(['entry size', 'ms per hit, median (min to max)'], rows),
      '',
    ].join('\n'),
  )
} finally {
  await worker.dispose()
}
