import type { TransactionStep } from './transaction'

/** One step of a savepoint history: a transaction step, or a write (a letter naming the row it writes). */
export type HistoryStep = TransactionStep | string

/** A transaction history and the writes it publishes: the same table runs in core and in every binding's tests. */
export interface SavepointHistory {
  readonly name: string
  readonly steps: readonly HistoryStep[]
  /** The letters whose writes are published (committed), sorted. */
  readonly expected: readonly string[]
  /** Databases that cannot run it as written, and why (a binding's test skips it there). */
  readonly refusedBy?: { readonly postgres?: string; readonly sqlite?: string }
}

const begin = { kind: 'begin' } as const
const commit = { kind: 'commit' } as const
const rollback = { kind: 'rollback' } as const
const savepoint = (name?: string): TransactionStep => (name === undefined ? { kind: 'savepoint' } : { kind: 'savepoint', name })
const rollbackTo = (name?: string): TransactionStep => (name === undefined ? { kind: 'rollback-to' } : { kind: 'rollback-to', name })
const release = (name?: string): TransactionStep => (name === undefined ? { kind: 'release' } : { kind: 'release', name })

const SQLITE_OUTERMOST = 'a SAVEPOINT outside a transaction starts one in SQLite only, and ORMs open transactions with BEGIN'

/**
 * The savepoint semantics every binding must follow (the transaction buffer's contract): writes
 * after a savepoint are dropped by ROLLBACK TO it, kept by RELEASE, published by COMMIT.
 */
export const SAVEPOINT_HISTORIES: readonly SavepointHistory[] = [
  { name: 'rollback to drops what came after the savepoint', steps: [begin, 'a', savepoint('s'), 'b', rollbackTo('s'), commit], expected: ['a'] },
  { name: 'the savepoint survives rollback to', steps: [begin, savepoint('s'), 'a', rollbackTo('s'), 'b', rollbackTo('s'), 'c', commit], expected: ['c'] },
  { name: 'release keeps the writes', steps: [begin, savepoint('s'), 'a', release('s'), commit], expected: ['a'] },
  { name: 'release removes later savepoints too', steps: [begin, savepoint('s'), 'a', savepoint('t'), 'b', release('s'), commit], expected: ['a', 'b'] },
  {
    name: 'nested savepoints',
    steps: [begin, 'a', savepoint('s'), 'b', savepoint('t'), 'c', rollbackTo('t'), 'd', rollbackTo('s'), 'e', commit],
    expected: ['a', 'e'],
  },
  { name: 'a repeated name means the latest', steps: [begin, savepoint('s'), 'a', savepoint('s'), 'b', rollbackTo('s'), commit], expected: ['a'] },
  {
    name: 'anonymous savepoints are innermost first (nested transactions)',
    steps: [begin, 'a', savepoint(), 'b', rollbackTo(), release(), savepoint(), 'c', release(), commit],
    expected: ['a', 'c'],
  },
  {
    name: 'an unknown savepoint changes nothing',
    steps: [begin, 'a', rollbackTo('nope'), release('nope'), commit],
    expected: ['a'],
    refusedBy: { postgres: 'PostgreSQL refuses an unknown savepoint and aborts the transaction', sqlite: 'SQLite refuses an unknown savepoint' },
  },
  { name: 'a rollback after savepoints drops everything', steps: [begin, 'a', savepoint('s'), 'b', rollback], expected: [] },
  {
    name: 'SQLite: SAVEPOINT outside a transaction starts one, its RELEASE commits',
    steps: [savepoint('s'), 'a', release('s')],
    expected: ['a'],
    refusedBy: { postgres: SQLITE_OUTERMOST, sqlite: SQLITE_OUTERMOST },
  },
  {
    name: 'SQLite: ROLLBACK TO the outermost savepoint keeps the transaction',
    steps: [savepoint('s'), 'a', rollbackTo('s'), 'b', release('s')],
    expected: ['b'],
    refusedBy: { postgres: SQLITE_OUTERMOST, sqlite: SQLITE_OUTERMOST },
  },
]
