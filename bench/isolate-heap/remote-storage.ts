// `Storage` over the store Worker (store.ts): KV's capabilities (durable, global, 100 keys per
// bulk read, one write per key per second), so the core runs the same paths it runs on KV. Like
// kvStorage, it keeps no state in the calling isolate.
import type { Storage } from '@kvcache/core'

export interface StoreService {
  get(key: string): Promise<string | null>
  getMany(keys: string[]): Promise<Record<string, string | null>>
  set(key: string, value: string, ttlSeconds: number | null): Promise<void>
  delete(key: string): Promise<void>
}

export function remoteStorage(store: StoreService): Storage {
  return {
    name: 'remote-map',
    capabilities: {
      minTtlSeconds: 60,
      maxKeyBytes: 512,
      maxValueBytes: 25 * 1024 * 1024,
      maxBatchGet: 100,
      minWriteIntervalMs: 1000,
      durable: true,
      reach: 'global',
      globalDelete: true,
      listKeys: false,
    },
    get: (key) => store.get(key),
    getMany: async (keys) => new Map(Object.entries(await store.getMany([...keys]))),
    set: (key, value, options) => store.set(key, value, options?.ttlSeconds ?? null),
    delete: (key) => store.delete(key),
  }
}
