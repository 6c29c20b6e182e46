import type { Recorder } from './history'
import { pickerOf } from './popularity'
import type { Random } from './random'
import { isSourceUnavailable } from './source'
import type { Client, WorkerRequest, System, World } from './world'

/** What the clients left behind besides the history. */
export interface WorkloadOutcome {
  /** Calls into the system that threw (a harness or design failure, never expected from the cache). */
  readonly errors: unknown[]
  /** `waitUntil` work that failed (a baseline's fill giving up after 429s, for instance). */
  backgroundFailures: number
  /**
   * Calls that failed because the database did (an outage: `SourceUnavailableError`), with no
   * cached answer to fall back on. The caller would have failed without a cache too.
   */
  sourceFailures: number
}

/** The key names of a world: `k0`, `k1`... */
export function keyNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `k${i}`)
}

/**
 * Runs every client until `settings.durationMs` has passed: each sends a request, waits for it,
 * pauses (exponential think time) and sends the next. A request picks a location (the client's home,
 * sometimes another), an isolate there, a key, and reads one of its queries (`pickerOf`) or writes it
 * a value no other write writes. Resolves when every client has stopped.
 */
export async function runClients(world: World, system: System, recorder: Recorder): Promise<WorkloadOutcome> {
  const { settings, time } = world
  const endMs = time.now() + settings.durationMs
  const picker = pickerOf(settings, keyNames(settings.keys))
  const outcome: WorkloadOutcome = { errors: [], backgroundFailures: 0, sourceFailures: 0 }
  const waitUntil = (promise: Promise<unknown>) => {
    promise.catch(() => outcome.backgroundFailures++)
  }

  const runClient = async (client: Client, random: Random) => {
    let writes = 0
    let burst: { key: string; left: number } | undefined
    for (;;) {
      await time.sleep(random.exponential(burst ? settings.thinkMeanMs / 2 : settings.thinkMeanMs))
      if (time.now() >= endMs) return
      const location =
        settings.locations > 1 && random.chance(settings.roamRatio) ? (client.home + 1 + random.int(settings.locations - 1)) % settings.locations : client.home
      const request: WorkerRequest = { client, location, isolate: random.int(settings.isolatesPerLocation), waitUntil }
      const where = `l${location}/i${request.isolate}`
      const write = burst !== undefined || random.chance(settings.writeRatio)
      const target = write ? { key: burst?.key ?? picker.writeKey(random), query: 0 } : picker.read(random)
      const { key } = target
      burst = !write ? undefined : burst ? (burst.left > 1 ? { key, left: burst.left - 1 } : undefined) : nextBurst(key, random.int(settings.writeBurst + 1))
      const op = recorder.begin({ client: client.id, kind: write ? 'write' : 'read', key, where, ...(write && { value: `${key}=c${client.id}.${++writes}` }) })
      try {
        if (write) {
          await system.write(request, key, op.value)
          op.end()
        } else {
          op.end(await system.read(request, key, target.query))
        }
      } catch (error) {
        if (isSourceUnavailable(error)) {
          // The database refused the call: a write never committed, a read has nothing to check.
          op.discard()
          outcome.sourceFailures++
        } else {
          // A failed write may or may not have taken effect: it stays in the history, never completed.
          op.abandon()
          outcome.errors.push(error)
        }
      }
    }
  }

  const clients = Array.from({ length: settings.clients }, (_, id): Client => ({ id, home: id % settings.locations, bookmark: undefined }))
  await Promise.all(clients.map((client) => runClient(client, world.random.fork(`client-${client.id}`))))
  return outcome
}

/** The rest of a burst that starts with a write of `key`: `extra` more writes of it, or none. */
function nextBurst(key: string, extra: number): { key: string; left: number } | undefined {
  return extra > 0 ? { key, left: extra } : undefined
}
