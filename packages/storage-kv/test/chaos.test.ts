// The KV chaos fake (test-support) does what each fault says, over the real KV binding: the binding
// suites trust it to, so its own behaviour is pinned here.
import { chaosKvFake } from '@kvcache/test-support/chaos-kv-fake'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { kvStorage } from '../src'

const { KV } = env as unknown as { KV: KVNamespace }
const key = () => `chaos-${crypto.randomUUID()}`

function clock() {
  let nowMs = 1_000_000
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) }
}

/** Settles `work` or says it is still pending after the current turns of the event loop. */
async function settledSoon(work: Promise<unknown>): Promise<boolean> {
  let settled = false
  void work.then(
    () => (settled = true),
    () => (settled = true),
  )
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0))
  return settled
}

describe('chaosKvFake over the real KV binding', () => {
  it('passes everything through without a fault, and counts calls', async () => {
    const chaos = chaosKvFake(KV, { fault: { kind: 'none' } })
    const k = key()
    await chaos.namespace.put(k, 'v')
    expect(await chaos.namespace.get(k, { type: 'text' })).toBe('v')
    expect(await chaos.namespace.get([k], { type: 'text' })).toStrictEqual(new Map([[k, 'v']]))
    await chaos.namespace.delete(k)
    expect(await KV.get(k)).toBeNull()
    expect(chaos.stats.calls).toBe(4)
  })

  it('throws on every Nth call it concerns, and only on those calls', async () => {
    const chaos = chaosKvFake(KV, { fault: { kind: 'throw', every: 2 }, calls: 'writes' })
    const outcomes: string[] = []
    for (let i = 0; i < 4; i++) {
      await chaos.namespace.get(key(), { type: 'text' })
      outcomes.push(
        await chaos.namespace.put(key(), 'v').then(
          () => 'ok',
          (error: Error) => error.message,
        ),
      )
    }
    expect(outcomes.map((outcome) => (outcome === 'ok' ? outcome : 'failed'))).toStrictEqual(['ok', 'failed', 'ok', 'failed'])
    expect(outcomes[1]).toMatch(/^KV write chaos-\S+ failed: 503 Service Unavailable \(injected by chaosKvFake\)$/)
    expect(chaos.stats.thrown).toBe(2)
  })

  it('with a seed, fails the same calls on every run (about one in N)', async () => {
    const pattern = async () => {
      const chaos = chaosKvFake(KV, { fault: { kind: 'throw', every: 3, seed: 19 } })
      const failed: number[] = []
      for (let i = 0; i < 30; i++)
        if (
          await chaos.namespace.get(key(), { type: 'text' }).then(
            () => false,
            () => true,
          )
        )
          failed.push(i)
      return failed
    }
    const first = await pattern()
    expect(await pattern()).toStrictEqual(first)
    expect(first.length).toBeGreaterThan(3)
    expect(first.length).toBeLessThan(20)
  })

  it('hangs until released, then lets the parked calls through to KV', async () => {
    const chaos = chaosKvFake(KV, { fault: { kind: 'hang' } })
    const k = key()
    const parked = chaos.namespace.put(k, 'late')
    expect(await settledSoon(parked)).toBe(false)
    chaos.heal()
    chaos.release()
    await parked
    expect(await KV.get(k)).toBe('late')
    expect(chaos.stats.hung).toBe(1)
  })

  it('answers 429 to a second write of a key within the window, which storage-kv reads as a rate limit', async () => {
    const time = clock()
    const chaos = chaosKvFake(KV, { fault: { kind: 'rate-limit' }, now: time.now })
    const storage = kvStorage(chaos.namespace)
    const k = key()
    await storage.set(k, 'first')
    await expect(Promise.resolve(storage.set(k, 'second'))).rejects.toMatchObject({ code: 'RATE_LIMITED' })
    await storage.set(key(), 'another key is fine')
    time.advance(1000)
    await storage.set(k, 'third')
    expect(await KV.get(k)).toBe('third')
    expect(chaos.stats.rateLimited).toBe(1)
  })

  it('drops writes: they resolve and nothing changes', async () => {
    const chaos = chaosKvFake(KV, { fault: { kind: 'drop-writes' } })
    const k = key()
    await KV.put(k, 'kept')
    await chaos.namespace.put(k, 'lost')
    await chaos.namespace.delete(k)
    expect(await KV.get(k)).toBe('kept')
    expect(chaos.stats.dropped).toBe(2)
  })

  it('serves what a key held before its write for the window, to single and bulk reads, then the new value', async () => {
    const time = clock()
    const chaos = chaosKvFake(KV, { fault: { kind: 'stale-reads', forMs: 2000 }, now: time.now })
    const [old, fresh] = [key(), key()]
    await KV.put(old, 'v1')
    await chaos.namespace.put(old, 'v2')
    await chaos.namespace.put(old, 'v3')
    await chaos.namespace.put(fresh, 'new')
    // The oldest value is served while writes pile up inside the window; a new key reads as absent.
    expect(await chaos.namespace.get(old, { type: 'text' })).toBe('v1')
    expect(await chaos.namespace.get([old, fresh], { type: 'text' })).toStrictEqual(
      new Map([
        [old, 'v1'],
        [fresh, null],
      ]),
    )
    time.advance(2000)
    expect(await chaos.namespace.get([old, fresh], { type: 'text' })).toStrictEqual(
      new Map([
        [old, 'v3'],
        [fresh, 'new'],
      ]),
    )
  })

  it('is slow when told: calls still answer, after the delay', async () => {
    const chaos = chaosKvFake(KV, { fault: { kind: 'slow', delayMs: 20 } })
    const k = key()
    await KV.put(k, 'v')
    expect(await chaos.namespace.get(k, { type: 'text' })).toBe('v')
    expect(chaos.stats.delayed).toBe(1)
  })
})
