import { storageVersions, type Storage } from '@kvcache/core'
import { tableScope } from '@kvcache/core/testing'
import { createStampClock, qualifyScope, stampKey } from '@kvcache/core/storage'
import { kvStorage } from '@kvcache/storage-kv'

interface Env {
  KV: KVNamespace
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const scope = qualifyScope(undefined, tableScope('posts'))
/** The queued write's delay in this experiment (KV's is 1000 ms; shortened so trials are quick). */
const QUEUE_MS = 30

/** KV as storage, declaring a shorter per-key write interval so B's second bump is queued for QUEUE_MS. */
function queuedKv(kv: KVNamespace): Storage {
  const storage = kvStorage(kv)
  return { ...storage, capabilities: { ...storage.capabilities, minWriteIntervalMs: QUEUE_MS } }
}

/**
 * One race: isolate B bumps twice (the second write queued), isolate A (clock 1 s ahead, so its
 * stamp is newer) bumps at `offsetMs`, around when B's queued write goes out. Returns whether
 * storage ended up older than A's stamp.
 */
async function race(env: Env, offsetMs: number, blind: boolean): Promise<boolean> {
  const prefix = `r${crypto.randomUUID().slice(0, 8)}`
  const key = stampKey(prefix, scope)
  const b = storageVersions({ storage: queuedKv(env.KV), prefix })
  const a = storageVersions({ storage: kvStorage(env.KV), prefix, now: () => Date.now() + 1000 })
  await b.bump([scope])
  let late: Promise<unknown>
  if (blind) {
    // What the writer did before the check: put its stamp when its turn comes, whatever KV holds.
    const older = createStampClock().next()
    late = sleep(QUEUE_MS).then(() => env.KV.put(key, older))
  } else {
    await b.bump([scope])
    late = b.settle?.() ?? Promise.resolve()
  }
  await sleep(offsetMs)
  const newer = await a.bump([scope])
  await late
  return ((await env.KV.get(key)) as string) < newer
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const url = new URL(req.url)
    const trials = Number(url.searchParams.get('trials') ?? '50')
    if (url.pathname === '/race') {
      const blind = url.searchParams.get('blind') === '1'
      let regressions = 0
      for (let i = 0; i < trials; i++) {
        // A lands anywhere from 10 ms before to 10 ms after B's queued write.
        const offset = QUEUE_MS - 10 + Math.random() * 20
        if (await race(env, offset, blind)) regressions++
      }
      return Response.json({ trials, regressions })
    }
    if (url.pathname === '/window') {
      // The checked write's exposure: from the check's read to the put being acknowledged.
      const windows: number[] = []
      for (let i = 0; i < trials; i++) {
        const key = `w:${crypto.randomUUID()}`
        const started = performance.now()
        await env.KV.get(key)
        await env.KV.put(key, createStampClock().next())
        windows.push(performance.now() - started)
      }
      windows.sort((x, y) => x - y)
      return Response.json({ p50: windows[Math.floor(trials / 2)], p99: windows[Math.floor(trials * 0.99)] })
    }
    return new Response('not found', { status: 404 })
  },
}
