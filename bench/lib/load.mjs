// A closed-loop load generator: `connections` loops, each sending its next request as soon as the
// previous one answered, for `durationMs`. Keys come from a seeded Zipf distribution per loop.
import { seededRandom, zipf } from './random.mjs'

/**
 * Options: connections, durationMs, keys (how many distinct ids), exponent (Zipf), seed,
 * request(id) -> Promise<{ ok: boolean, outcome: string }>.
 * Returns { requests, errors, requestsPerSecond, p50Ms, p99Ms, outcomes: { [outcome]: count } }.
 */
export async function closedLoop(options) {
  const latencies = []
  const outcomes = {}
  let errors = 0
  const deadline = performance.now() + options.durationMs
  const started = performance.now()
  const loop = async (index) => {
    const nextId = zipf({ n: options.keys, exponent: options.exponent ?? 0.99, random: seededRandom(options.seed * 1000 + index) })
    while (performance.now() < deadline) {
      const id = nextId()
      const sent = performance.now()
      try {
        const { ok, outcome } = await options.request(id)
        if (!ok) errors++
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
      } catch {
        errors++
      }
      latencies.push(performance.now() - sent)
    }
  }
  await Promise.all(Array.from({ length: options.connections }, (_, index) => loop(index)))
  const elapsedMs = performance.now() - started
  latencies.sort((a, b) => a - b)
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  return {
    requests: latencies.length,
    errors,
    requestsPerSecond: (latencies.length * 1000) / elapsedMs,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    outcomes,
  }
}
