// Core's table of savepoint histories (packages/core/test/unit/transaction.test.ts), run through
// real Drizzle transactions: a letter is a write to that row of `letters`, a step is sent as SQL
// through the transaction (`SAVEPOINT s`, `ROLLBACK TO SAVEPOINT s`, `RELEASE SAVEPOINT s`), and
// the history's BEGIN and COMMIT / ROLLBACK are Drizzle's own `db.transaction`. After each one,
// the rows of the letters that committed read fresh through the cache, and no scope a read of a
// rolled-back letter depends on was bumped.
import type { TransactionStep } from '@kvcache/core/binding'

type Step = TransactionStep | string

const begin = { kind: 'begin' } as const
const commit = { kind: 'commit' } as const
const rollback = { kind: 'rollback' } as const
const savepoint = (name?: string) => ({ kind: 'savepoint', ...(name === undefined ? {} : { name }) }) as const
const rollbackTo = (name?: string) => ({ kind: 'rollback-to', ...(name === undefined ? {} : { name }) }) as const
const release = (name?: string) => ({ kind: 'release', ...(name === undefined ? {} : { name }) }) as const

export interface History {
  readonly name: string
  readonly steps: readonly Step[]
  /** The letters whose writes are published (committed). */
  readonly expected: readonly string[]
  /** Why a database cannot run it as written, if it cannot. */
  readonly skip?: { readonly postgres?: string; readonly sqlite?: string }
}

const SQLITE_ONLY = 'a SAVEPOINT outside a transaction starts one in SQLite only; Drizzle opens every transaction with BEGIN'

/** The same histories as core's table, with the same expectations. */
export const HISTORIES: readonly History[] = [
  { name: 'rollback to drops what came after the savepoint', steps: [begin, 'a', savepoint('s'), 'b', rollbackTo('s'), commit], expected: ['a'] },
  { name: 'the savepoint survives rollback to', steps: [begin, savepoint('s'), 'a', rollbackTo('s'), 'b', rollbackTo('s'), 'c', commit], expected: ['c'] },
  { name: 'release keeps the writes', steps: [begin, savepoint('s'), 'a', release('s'), commit], expected: ['a'] },
  // Core's row goes on with `rollbackTo('t')`, which a database refuses once `t` is released.
  { name: 'release removes later savepoints too', steps: [begin, savepoint('s'), 'a', savepoint('t'), 'b', release('s'), commit], expected: ['a', 'b'] },
  {
    name: 'nested savepoints',
    steps: [begin, 'a', savepoint('s'), 'b', savepoint('t'), 'c', rollbackTo('t'), 'd', rollbackTo('s'), 'e', commit],
    expected: ['a', 'e'],
  },
  { name: 'a repeated name means the latest', steps: [begin, savepoint('s'), 'a', savepoint('s'), 'b', rollbackTo('s'), commit], expected: ['a'] },
  {
    name: 'anonymous savepoints are innermost first (nested db.transaction)',
    steps: [begin, 'a', savepoint(), 'b', rollbackTo(), release(), savepoint(), 'c', release(), commit],
    expected: ['a', 'c'],
  },
  {
    name: 'an unknown savepoint changes nothing',
    steps: [begin, 'a', rollbackTo('nope'), release('nope'), commit],
    expected: ['a'],
    skip: {
      postgres: 'PostgreSQL refuses an unknown savepoint and aborts the transaction',
      sqlite: 'SQLite refuses an unknown savepoint (no such savepoint)',
    },
  },
  { name: 'a rollback after savepoints drops everything', steps: [begin, 'a', savepoint('s'), 'b', rollback], expected: [] },
  { name: 'SQLite: SAVEPOINT outside a transaction starts one, its RELEASE commits', steps: [savepoint('s'), 'a', release('s')], expected: ['a'], skip: { postgres: SQLITE_ONLY, sqlite: SQLITE_ONLY } },
  {
    name: 'SQLite: ROLLBACK TO the outermost savepoint keeps the transaction',
    steps: [savepoint('s'), 'a', rollbackTo('s'), 'b', release('s')],
    expected: ['b'],
    skip: { postgres: SQLITE_ONLY, sqlite: SQLITE_ONLY },
  },
]

/** The letters a history writes. */
export function lettersOf(history: History): string[] {
  return history.steps.filter((step): step is string => typeof step === 'string')
}

/**
 * A history as what runs inside `db.transaction(...)`: writes and savepoint SQL in order, and
 * whether the transaction ends in ROLLBACK (the callback throws). Anonymous savepoints get the
 * names Drizzle's nested transactions use (`sp1`, `sp2`...), innermost first.
 */
export function transactionBody(history: History): { readonly body: readonly ({ readonly write: string } | { readonly sql: string })[]; readonly rollback: boolean } {
  const steps = [...history.steps]
  if ((steps[0] as TransactionStep).kind !== 'begin') throw new Error(`${history.name}: starts without BEGIN`)
  const last = steps[steps.length - 1] as TransactionStep
  const anonymous: string[] = []
  const body = steps.slice(1, -1).map((step) => {
    if (typeof step === 'string') return { write: step }
    switch (step.kind) {
      case 'savepoint': {
        if (step.name !== undefined) return { sql: `SAVEPOINT ${step.name}` }
        anonymous.push(`sp${anonymous.length + 1}`)
        return { sql: `SAVEPOINT ${anonymous[anonymous.length - 1]}` }
      }
      case 'rollback-to':
        return { sql: `ROLLBACK TO SAVEPOINT ${step.name ?? anonymous[anonymous.length - 1]}` }
      case 'release': {
        const name = step.name ?? anonymous.pop()
        return { sql: `RELEASE SAVEPOINT ${name}` }
      }
      default:
        throw new Error(`${history.name}: ${step.kind} inside the transaction`)
    }
  })
  return { body, rollback: last.kind === 'rollback' }
}
