import { describe, expect, it } from 'vitest'
import { checkHistory, describeViolation, percentile, type History, type Operation } from '../src'

/** A hand-written history of one key `x`, initially `x0`. Times in milliseconds. */
function history(...ops: Omit<Operation, 'id' | 'key'>[]): History {
  return { initial: new Map([['x', 'x0']]), operations: ops.map((op, id) => ({ id, key: 'x', ...op })) }
}
const write = (client: number, value: string, invokedMs: number, completedMs: number) => ({ client, kind: 'write' as const, value, invokedMs, completedMs })
const read = (client: number, value: string, invokedMs: number, completedMs: number) => ({ client, kind: 'read' as const, value, invokedMs, completedMs })

describe('checkHistory', () => {
  it('passes a linearizable history: every read returns the latest completed write or one in flight', () => {
    const linearizable = history(
      read(1, 'x0', 0, 10),
      write(0, 'x1', 20, 40),
      read(1, 'x0', 25, 30), // concurrent with the write: the old value is still allowed
      read(2, 'x1', 30, 35), // concurrent with the write: so is the new one
      read(1, 'x1', 50, 60),
      write(0, 'x2', 70, 90),
      write(2, 'x3', 80, 100), // overlaps x2: either order is possible
      read(1, 'x2', 110, 120),
      read(2, 'x3', 130, 140),
    )
    const report = checkHistory(linearizable, { staleMs: 0 })
    expect(report.violations).toStrictEqual([])
    expect(report).toMatchObject({ operations: 9, reads: 6, writes: 3, worstStalenessMs: 0, p99StalenessMs: 0 })
  })

  it('reports a read of a value overwritten before the read started, with its slice and staleness', () => {
    const stale = history(write(0, 'x1', 0, 10), write(0, 'x2', 20, 30), read(1, 'x2', 40, 45), write(2, 'x3', 100, 130), read(1, 'x2', 500, 510))
    const report = checkHistory(stale, { staleMs: 300 })
    expect(report.violations).toHaveLength(1)
    const [violation] = report.violations
    expect(violation).toMatchObject({ kind: 'stale', stalenessMs: 370, read: { value: 'x2', invokedMs: 500 }, write: { value: 'x2' } })
    // The slice names the write read, the write that replaced it, and the read.
    expect(violation?.slice.map((op) => op.value)).toStrictEqual(['x2', 'x3', 'x2'])
    expect(describeViolation(violation as NonNullable<typeof violation>)).toContain('stale by 370 ms')
    expect(report.worstStalenessMs).toBe(370)
  })

  it('measures staleness without reporting it when the bound allows it', () => {
    const lagging = history(write(0, 'x1', 0, 10), read(1, 'x0', 1010, 1020), read(1, 'x1', 2000, 2010))
    const report = checkHistory(lagging, { staleMs: 1000 })
    expect(report.violations).toStrictEqual([])
    expect(report.worstStalenessMs).toBe(1000)
    expect(checkHistory(lagging, { staleMs: 999 }).violations).toHaveLength(1)
  })

  it('a write that never completed replaces nothing for certain', () => {
    const inFlight = history(write(0, 'x1', 0, Number.POSITIVE_INFINITY), read(1, 'x0', 5000, 5010), read(1, 'x1', 6000, 6010))
    expect(checkHistory(inFlight, { staleMs: 0 }).violations).toStrictEqual([])
  })

  it('reports values no write wrote, and values from writes that started after the read returned', () => {
    const report = checkHistory(history(read(1, 'forged', 0, 10), read(1, 'x1', 20, 30), write(0, 'x1', 40, 50)), { staleMs: 1000 })
    expect(report.violations.map((violation) => violation.kind)).toStrictEqual(['unknown-value', 'from-the-future'])
  })

  it('with a session bound, a client must see its own writes and never go back to an older value', () => {
    const ownWrite = history(write(0, 'x1', 0, 10), write(1, 'x2', 20, 30), read(1, 'x1', 40, 50))
    expect(checkHistory(ownWrite, { staleMs: 60_000 }).violations).toStrictEqual([])
    expect(checkHistory(ownWrite, { staleMs: 60_000, sessionStaleMs: 0 }).violations).toMatchObject([{ kind: 'session', stalenessMs: 10 }])

    // Client 2 saw x2, then x1: x1 was replaced before x2 was written, so this goes back in time.
    const backwards = history(write(0, 'x1', 0, 10), write(1, 'x2', 20, 30), read(2, 'x2', 40, 50), read(2, 'x1', 60, 70), read(3, 'x1', 60, 70))
    const report = checkHistory(backwards, { staleMs: 60_000, sessionStaleMs: 0 })
    expect(report.violations).toMatchObject([{ kind: 'session', read: { client: 2 }, stalenessMs: 10 }])

    // The client's next request starts the millisecond its previous one returned: still after it.
    const sameMillisecond = history(write(0, 'x1', 0, 10), write(1, 'x2', 20, 30), read(1, 'x1', 30, 40))
    expect(checkHistory(sameMillisecond, { staleMs: 60_000, sessionStaleMs: 0 }).violations).toMatchObject([{ kind: 'session', stalenessMs: 0 }])
  })

  it('with an isolate bound, every read in the isolate that wrote must see the write, whichever client asks', () => {
    const at = (where: string, op: Omit<Operation, 'id' | 'key'>) => ({ ...op, where })
    const isolateHistory = history(
      at('l0/i0', write(0, 'x1', 0, 10)),
      at('l0/i1', read(1, 'x0', 20, 30)), // another isolate: held only to staleMs
      at('l0/i0', read(2, 'x0', 40, 50)), // the writer's isolate, another client: too old
      at('l0/i0', read(3, 'x0', 10, 15)), // started the millisecond the write returned: not held to it
    )
    expect(checkHistory(isolateHistory, { staleMs: 60_000 }).violations).toStrictEqual([])
    const report = checkHistory(isolateHistory, { staleMs: 60_000, isolateStaleMs: 0 })
    expect(report.violations).toMatchObject([{ kind: 'own-isolate', read: { client: 2 }, stalenessMs: 30 }])
    // A read staler than staleMs is reported once, as stale.
    expect(checkHistory(isolateHistory, { staleMs: 0, isolateStaleMs: 0 }).violations.map((violation) => violation.kind)).toStrictEqual(['stale', 'stale'])
  })

  it('percentile is the nearest rank', () => {
    const values = Array.from({ length: 200 }, (_, i) => i + 1)
    expect(percentile(values, 0.99)).toBe(198)
    expect(percentile([5], 0.99)).toBe(5)
    expect(percentile([], 0.99)).toBe(0)
  })
})
