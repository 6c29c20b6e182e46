// A key-value store in a Worker of its own (its own isolate), reached over RPC: where the heap
// bench keeps cache entries and stamps, so the measured isolate holds only what the cache keeps.
import { WorkerEntrypoint } from 'cloudflare:workers'

const data = new Map<string, { value: string; expiresAtMs: number }>()

function read(key: string): string | null {
  const slot = data.get(key)
  if (!slot || slot.expiresAtMs <= Date.now()) return null
  return slot.value
}

export class Service extends WorkerEntrypoint {
  get(key: string): string | null {
    return read(key)
  }

  getMany(keys: string[]): Record<string, string | null> {
    return Object.fromEntries(keys.map((key) => [key, read(key)]))
  }

  set(key: string, value: string, ttlSeconds: number | null): void {
    data.set(key, { value, expiresAtMs: ttlSeconds === null ? Number.POSITIVE_INFINITY : Date.now() + ttlSeconds * 1000 })
  }

  delete(key: string): void {
    data.delete(key)
  }

  size(): number {
    return data.size
  }
}

export default { fetch: () => new Response('store') }
