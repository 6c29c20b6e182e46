// Core's table of savepoint histories (packages/core/test/unit/transaction.test.ts), run through
// real Drizzle transactions: a letter is a write to that row of `letters`, a step is sent as SQL
// through the transaction (`SAVEPOINT s`, `ROLLBACK TO SAVEPOINT s`, `RELEASE SAVEPOINT s`), and
// the history's BEGIN and COMMIT / ROLLBACK are Drizzle's own `db.transaction`. After each one,
// the rows of the letters that committed read fresh through the cache, and no scope a read of a
// rolled-back letter depends on was bumped.
import type { TransactionStep } from '@kvcache/core/binding'
import { SAVEPOINT_HISTORIES, type SavepointHistory } from '@kvcache/core/testing'
import { expect } from 'vitest'

/** Core's table (the transaction buffer's contract), with the databases that refuse a history. */
export const HISTORIES: readonly History[] = SAVEPOINT_HISTORIES
export type History = SavepointHistory

/** True when the history opens with BEGIN, as every `db.transaction` does. */
export function startsWithBegin(history: History): boolean {
  const first = history.steps[0]
  return typeof first === 'object' && first.kind === 'begin'
}

/** The letters a history writes. */
export function lettersOf(history: History): string[] {
  return history.steps.filter((step): step is string => typeof step === 'string')
}

/**
 * A history as what runs inside `db.transaction(...)`: writes and savepoint SQL in order, and
 * whether the transaction ends in ROLLBACK (the callback throws). Anonymous savepoints get the
 * names Drizzle's nested transactions use (`sp1`, `sp2`...), innermost first.
 */
export function transactionBody(history: History): {
  readonly body: readonly ({ readonly write: string } | { readonly sql: string })[]
  readonly rollback: boolean
} {
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

/** How one database's Drizzle runs a history's body inside `db.transaction` (a write of a letter; a savepoint statement). */
export interface HistoryDriver<Tx> {
  transaction(body: (tx: Tx & { rollback(): never }) => Promise<void>): Promise<unknown>
  write(tx: Tx, letter: string): Promise<unknown>
  sql(tx: Tx, text: string): Promise<unknown>
}

/** Runs a history through `db.transaction`: its body step by step, then COMMIT, or ROLLBACK by `tx.rollback()` (which rejects). */
export async function runHistory<Tx>(driver: HistoryDriver<Tx>, history: History): Promise<void> {
  const { body, rollback } = transactionBody(history)
  const run = driver.transaction(async (tx) => {
    for (const step of body) {
      if ('write' in step) await driver.write(tx, step.write)
      else await driver.sql(tx, step.sql)
    }
    if (rollback) tx.rollback()
  })
  if (rollback) await expect(run).rejects.toThrow()
  else await run
}
