import type { Cache } from '@kvcache/core'

// See what the cache does for one request: each hit and miss (and why), and setup mistakes.
export function withCacheLog(cache: Cache, log: (line: string) => void = console.log): Cache {
  return cache.withContext({
    onEvent: (event) => {
      if (event.type === 'hit') log(`hit ${event.key} (${event.ageMs} ms old)`)
      if (event.type === 'miss') log(`miss ${event.key} (${event.reason})`)
      if (event.type === 'misconfigured') log(`[${event.source}] ${event.problem} Fix: ${event.fix}`)
    },
  })
}
