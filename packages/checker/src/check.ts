import type { History, Operation } from './history'

/** What a system promises about freshness, in simulated milliseconds. */
export interface Bound {
  /** How long after a newer write finished a read may still return the older value. */
  readonly staleMs: number
  /**
   * The same, counting only what the reading client itself wrote or read earlier (read-your-writes
   * and monotonic reads: 0 with a session bookmark, which also rules out a read started in the same
   * millisecond the client's earlier operation returned). Absent = not promised, not checked.
   */
  readonly sessionStaleMs?: number
  /**
   * The same, counting only writes made earlier in the isolate the read runs in (`Operation.where`):
   * read-your-writes per isolate, whichever client asks. Only reads that start strictly after such
   * a write returned are held to it. Absent = not promised, not checked.
   */
  readonly isolateStaleMs?: number
}

export type ViolationKind =
  /** The value stopped being current more than `staleMs` before the read started. */
  | 'stale'
  /** Older than something this client wrote or read before, by more than `sessionStaleMs`. */
  | 'session'
  /** Older than a write made earlier in the same isolate, by more than `isolateStaleMs`. */
  | 'own-isolate'
  /** A value no write wrote. */
  | 'unknown-value'
  /** A value whose write started after the read returned. */
  | 'from-the-future'

export interface Violation {
  readonly kind: ViolationKind
  readonly read: Operation
  /** The write whose value the read returned (the key's initial value is a write with id -1). */
  readonly write: Operation | undefined
  /** How long before the read started its value stopped being current (for `session`: for this client). */
  readonly stalenessMs: number
  /** The operations that explain it, in invocation order: the write read, the writes after it, the read. */
  readonly slice: readonly Operation[]
}

export interface CheckReport {
  readonly operations: number
  readonly reads: number
  readonly writes: number
  readonly violations: readonly Violation[]
  /** Over all reads whose value some write wrote; 0 when every read was current. */
  readonly worstStalenessMs: number
  readonly p99StalenessMs: number
}

/** The writes of one key, by invocation, with when each was certainly overwritten. */
interface KeyWrites {
  readonly byValue: ReadonlyMap<string, Operation>
  readonly byInvocation: readonly Operation[]
  /** For each write: the earliest completion of a write that started after it completed, and that write. */
  readonly supersededAt: ReadonlyMap<Operation, { readonly atMs: number; readonly by: Operation | undefined }>
}

const SLICE_WRITES = 8

/**
 * Checks that every read returned a value that was current at some point within
 * [invocation - bound, completion]. A write's value is current from the write's invocation until
 * a later write certainly replaced it: the completion of the first write that started after it
 * completed (concurrent writes may take effect in either order, so they replace nothing for
 * certain). Staleness is how long before the read's invocation that replacement happened, 0 if
 * the value was still current. Pure: the same history always gives the same report.
 */
export function checkHistory(history: History, bound: Bound): CheckReport {
  const keys = indexWrites(history)
  const sessions = grouped(history, sessionOf)
  const isolates = grouped(history, isolateOf, (op) => op.kind === 'write')
  const violations: Violation[] = []
  const staleness: number[] = []
  const reads = history.operations.filter((op) => op.kind === 'read')
  for (const read of reads) {
    const writes = keys.get(read.key)
    const write = writes?.byValue.get(read.value)
    if (!writes || !write) {
      violations.push({ kind: 'unknown-value', read, write: undefined, stalenessMs: Number.POSITIVE_INFINITY, slice: [read] })
      continue
    }
    if (write.invokedMs > read.completedMs) {
      violations.push({ kind: 'from-the-future', read, write, stalenessMs: 0, slice: [read, write] })
      continue
    }
    const superseded = writes.supersededAt.get(write) ?? { atMs: Number.POSITIVE_INFINITY, by: undefined }
    const stalenessMs = Math.max(0, read.invokedMs - superseded.atMs)
    staleness.push(stalenessMs)
    if (stalenessMs > bound.staleMs) violations.push({ kind: 'stale', read, write, stalenessMs, slice: sliceOf(writes, write, read, superseded.by) })
    if (bound.isolateStaleMs !== undefined && read.where !== undefined && stalenessMs <= bound.staleMs) {
      // Only this isolate's writes: the same search as a session's, over writes alone.
      const own = sessionSupersededAt(isolates.get(isolateOf(read)) ?? [], keys, read, write)
      const lateness = read.invokedMs - own.atMs
      if (lateness > bound.isolateStaleMs)
        violations.push({ kind: 'own-isolate', read, write, stalenessMs: lateness, slice: sliceOf(writes, write, read, own.by) })
    }
    if (bound.sessionStaleMs === undefined) continue
    // A client's earlier operation happened before its next one, even within the same millisecond:
    // at bound 0, a read started the moment the client learned of a newer value is already too old.
    const session = sessionSupersededAt(sessions.get(sessionOf(read)) ?? [], keys, read, write)
    const sessionStaleness = read.invokedMs - session.atMs
    if (sessionStaleness >= bound.sessionStaleMs && sessionStaleness >= 0 && stalenessMs <= bound.staleMs) {
      violations.push({ kind: 'session', read, write, stalenessMs: sessionStaleness, slice: sliceOf(writes, write, read, session.by) })
    }
  }
  staleness.sort((a, b) => a - b)
  return {
    operations: history.operations.length,
    reads: reads.length,
    writes: history.operations.length - reads.length,
    violations,
    worstStalenessMs: staleness.at(-1) ?? 0,
    p99StalenessMs: percentile(staleness, 0.99),
  }
}

/** The `q` quantile of ascending values (nearest rank); 0 for none. */
export function percentile(ascending: readonly number[], q: number): number {
  if (ascending.length === 0) return 0
  return ascending[Math.max(0, Math.ceil(q * ascending.length) - 1)] as number
}

function indexWrites(history: History): Map<string, KeyWrites> {
  const grouped = new Map<string, Operation[]>()
  for (const [key, value] of history.initial) {
    grouped.set(key, [{ id: -1, client: -1, kind: 'write', key, value, invokedMs: Number.NEGATIVE_INFINITY, completedMs: Number.NEGATIVE_INFINITY }])
  }
  for (const op of history.operations) {
    if (op.kind !== 'write') continue
    const list = grouped.get(op.key) ?? []
    list.push(op)
    grouped.set(op.key, list)
  }
  const keys = new Map<string, KeyWrites>()
  for (const [key, list] of grouped) {
    const byInvocation = [...list].sort((a, b) => a.invokedMs - b.invokedMs || a.id - b.id)
    // Suffix minimum of completion times: the first write to finish among those started at or after index i.
    const firstDone: { atMs: number; by: Operation | undefined }[] = Array.from({ length: byInvocation.length + 1 })
    firstDone[byInvocation.length] = { atMs: Number.POSITIVE_INFINITY, by: undefined }
    for (let i = byInvocation.length - 1; i >= 0; i--) {
      const op = byInvocation[i] as Operation
      const after = firstDone[i + 1] as { atMs: number; by: Operation | undefined }
      firstDone[i] = op.completedMs < after.atMs ? { atMs: op.completedMs, by: op } : after
    }
    const supersededAt = new Map<Operation, { atMs: number; by: Operation | undefined }>()
    for (const write of byInvocation) supersededAt.set(write, firstDone[firstStartedAfter(byInvocation, write.completedMs)] as { atMs: number; by: Operation })
    keys.set(key, { byValue: new Map(byInvocation.map((op) => [op.value, op])), byInvocation, supersededAt })
  }
  return keys
}

/** Index of the first write (by invocation) that started strictly after `ms`. */
function firstStartedAfter(byInvocation: readonly Operation[], ms: number): number {
  let low = 0
  let high = byInvocation.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if ((byInvocation[middle] as Operation).invokedMs > ms) high = middle
    else low = middle + 1
  }
  return low
}

/**
 * When the reading client itself knew `write` was replaced: the completion of its own later write
 * of the key, or of its own earlier read that returned a certainly newer value.
 */
function sessionSupersededAt(sessionOps: readonly Operation[], keys: Map<string, KeyWrites>, read: Operation, write: Operation) {
  let found: { atMs: number; by: Operation | undefined } = { atMs: Number.POSITIVE_INFINITY, by: undefined }
  for (const op of sessionOps) {
    if (op.id === read.id || op.completedMs >= found.atMs) continue
    const newer = op.kind === 'write' ? op : keys.get(op.key)?.byValue.get(op.value)
    if (newer && newer.invokedMs > write.completedMs) found = { atMs: op.completedMs, by: op }
  }
  return found
}

/** Operations grouped per client and key (what a session check looks through), or per isolate and key. */
function grouped(history: History, groupOf: (op: Operation) => string, keep: (op: Operation) => boolean = () => true): Map<string, Operation[]> {
  const groups = new Map<string, Operation[]>()
  for (const op of history.operations) {
    if (!keep(op)) continue
    const list = groups.get(groupOf(op)) ?? []
    list.push(op)
    groups.set(groupOf(op), list)
  }
  return groups
}

const sessionOf = (op: Operation) => `${op.client}\u0000${op.key}`
const isolateOf = (op: Operation) => `${op.where ?? ''}\u0000${op.key}`

function sliceOf(writes: KeyWrites, write: Operation, read: Operation, cause: Operation | undefined): Operation[] {
  const between = writes.byInvocation.filter((op) => op !== write && op.invokedMs >= write.invokedMs && op.invokedMs <= read.completedMs)
  const picked = new Set([write, ...between.slice(-SLICE_WRITES), ...(cause ? [cause] : []), read])
  return [...picked].sort((a, b) => a.invokedMs - b.invokedMs || a.id - b.id)
}
