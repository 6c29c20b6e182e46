/** One client operation as the checker sees it: what, on which key, and when (simulated ms). */
export interface Operation {
  readonly id: number
  readonly client: number
  readonly kind: 'read' | 'write'
  readonly key: string
  /** The value written, or the value the read returned. Every write writes a value no other write writes. */
  readonly value: string
  readonly invokedMs: number
  /** When the call returned; `Infinity` for a write still in flight when the run ended. */
  readonly completedMs: number
  /** Where it ran (`l1/i0`: location 1, isolate 0), for reports. */
  readonly where?: string
}

/** What the clients did, and what every key held before they started. */
export interface History {
  readonly initial: ReadonlyMap<string, string>
  readonly operations: readonly Operation[]
}

/** An operation under way: finish it with what it returned. */
export interface Pending {
  /** The value being written (empty for a read). */
  readonly value: string
  end(value?: string): void
  /** A call that failed: a read is dropped; a write stays in flight for good (it may or may not have taken effect). */
  abandon(): void
  /** A call that failed and certainly took no effect (the database refused it): dropped, read or write. */
  discard(): void
}

/** Records operations as clients run them. */
export interface Recorder {
  begin(start: { readonly client: number; readonly kind: Operation['kind']; readonly key: string; readonly value?: string; readonly where?: string }): Pending
  /** Completed operations, plus writes still in flight (completion `Infinity`: they may or may not have taken effect). */
  history(): History
}

export function createRecorder(now: () => number, initial: ReadonlyMap<string, string>): Recorder {
  const done: Operation[] = []
  const inFlight = new Map<number, Operation>()
  let nextId = 0
  return {
    begin(start) {
      const id = nextId++
      const op: Operation = { id, ...start, value: start.value ?? '', invokedMs: now(), completedMs: Number.POSITIVE_INFINITY }
      inFlight.set(id, op)
      return {
        value: op.value,
        end(value) {
          inFlight.delete(id)
          done.push({ ...op, value: value ?? op.value, completedMs: now() })
        },
        abandon() {
          if (op.kind === 'read') inFlight.delete(id)
        },
        discard() {
          inFlight.delete(id)
        },
      }
    },
    history() {
      const unfinishedWrites = [...inFlight.values()].filter((op) => op.kind === 'write')
      const operations = [...done, ...unfinishedWrites].sort((a, b) => a.invokedMs - b.invokedMs || a.id - b.id)
      return { initial: new Map(initial), operations }
    },
  }
}
