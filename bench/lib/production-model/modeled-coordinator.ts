// The coordinator's Durable Object namespace with production latency (figures.durableObjectCall)
// around the real local objects: every read, bump and load on a stub waits one draw first.
import type { NamespaceLike, StubLike } from '../../../test-support/chaos-coordinator-fake'
import type { LatencyModel } from './latency'

export function modeledCoordinator<T extends NamespaceLike>(namespace: T, model: LatencyModel): T {
  const modeled = {
    idFromName: (name: string) => namespace.idFromName(name),
    get(id: unknown, options?: unknown): StubLike {
      const stub = namespace.get(id, options)
      return {
        read: async (scopes) => (await model.wait('durableObjectCall'), stub.read(scopes)),
        bump: async (scopes, proposal) => (await model.wait('durableObjectCall'), stub.bump(scopes, proposal)),
        load: async () => (await model.wait('durableObjectCall'), stub.load()),
      }
    },
  }
  return modeled as unknown as T
}
