// The Worker the D1 tests run beside: it exports the coordinator's Durable Object class, which the
// chaos suite's coordinator backend is bound to (KVCACHE_COORDINATOR).
export { KvCacheCoordinator } from '@kvcache/coordinator'

export default {
  fetch: () => new Response('kvcache kysely tests'),
}
