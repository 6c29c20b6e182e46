declare module '*?raw' {
  const text: string
  export default text
}

declare namespace Cloudflare {
  interface Env {
    KV: KVNamespace
    DB: D1Database
    KVCACHE_COORDINATOR: DurableObjectNamespace<import('../src').KvCacheCoordinator>
    KV_BACKED_COORDINATOR: DurableObjectNamespace<import('../src').KvCacheCoordinator>
  }
}
