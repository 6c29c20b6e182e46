// The Worker the tests run beside: it exports the Durable Object classes the bindings point to.
import { KvCacheCoordinator } from '../src'

export { KvCacheCoordinator }

/** The same class under another name, bound without SQLite (as `new_classes` would): it must refuse to start. */
export class KvBackedCoordinator extends KvCacheCoordinator {}

export default {
  fetch: () => new Response('kvcache coordinator tests'),
}
