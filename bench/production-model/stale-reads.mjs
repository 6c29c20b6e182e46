// The write phase of the production model: per configuration, a writer in location `w` sets a
// post's title every `writeEveryMs` (through the configuration's own write path) while two readers
// read it every `readEveryMs`: one in the writer's location / session, one in location `r`. A read
// is stale when it returns a title older than the newest write that completed before it was sent;
// its staleness is how long before it was sent that returned version had been overwritten.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
const versionOf = (title) => Number(/ v(\d+)$/.exec(title ?? '')?.[1] ?? 0)

/** Options: worker, config (name), ids (posts this configuration owns), durationMs, writeEveryMs, readEveryMs, leadMs (reads before the first write). */
export async function stalePhase({ worker, config, ids, durationMs, writeEveryMs, readEveryMs, leadMs }) {
  const started = performance.now()
  const endsAt = started + durationMs
  const perPost = await Promise.all(
    ids.map(async (id, index) => {
      // doneAtMs[v]: when write v was answered (v = 0 is the seed).
      const doneAtMs = [Number.NEGATIVE_INFINITY]
      let bookmark = ''
      const keepBookmark = (response) => {
        const next = response.headers.get('x-d1-bookmark') ?? ''
        if (next > bookmark) bookmark = next
      }
      const writer = async () => {
        await sleep(leadMs + (index * writeEveryMs) / ids.length)
        for (let version = 1; performance.now() < endsAt - writeEveryMs; version++) {
          const due = performance.now() + writeEveryMs
          const title = encodeURIComponent(`Post ${id} v${version}`)
          const response = await worker.fetch(`/write?config=${config}&loc=w&id=${id}&title=${title}&bookmark=${bookmark}`, { method: 'POST' })
          await response.arrayBuffer()
          if (!response.ok) throw new Error(`${config}: write ${id} answered ${response.status}`)
          doneAtMs[version] = performance.now()
          keepBookmark(response)
          await sleep(due - performance.now())
        }
      }
      const reader = async (where) => {
        const samples = { reads: 0, stale: 0, errors: 0, stalenessMs: [] }
        while (performance.now() < endsAt) {
          const due = performance.now() + readEveryMs
          const sentAtMs = performance.now()
          const session = where === 'own' ? `&bookmark=${bookmark}` : ''
          const response = await worker.fetch(`/read?config=${config}&loc=${where === 'own' ? 'w' : 'r'}&id=${id}${session}`)
          const body = await response.json().catch(() => null)
          if (!response.ok || body?.id !== id) {
            samples.errors++
          } else {
            if (where === 'own') keepBookmark(response)
            const newest = doneAtMs.findLastIndex((at) => at <= sentAtMs)
            const version = versionOf(body.title)
            samples.reads++
            const stale = version < newest
            if (stale) samples.stale++
            samples.stalenessMs.push(stale ? sentAtMs - doneAtMs[version + 1] : 0)
          }
          await sleep(due - performance.now())
        }
        return samples
      }
      const [, own, other] = await Promise.all([writer(), reader('own'), reader('other')])
      return { own, other, writes: doneAtMs.length - 1 }
    }),
  )
  return perPost
}

/** Per side: stale share per post (for a spread), p99 and worst staleness over every read, reads, errors. */
export function summarize(perPost, side) {
  const samples = perPost.map((post) => post[side])
  const all = samples.flatMap((s) => s.stalenessMs).sort((a, b) => a - b)
  return {
    shares: samples.map((s) => (s.reads ? s.stale / s.reads : 0)),
    p99Ms: all.length ? all[Math.min(all.length - 1, Math.floor(0.99 * all.length))] : 0,
    worstMs: all.length ? all[all.length - 1] : 0,
    reads: samples.reduce((sum, s) => sum + s.reads, 0),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    writes: perPost.reduce((sum, post) => sum + post.writes, 0),
  }
}
