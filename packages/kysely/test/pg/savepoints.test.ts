// The core's table of savepoint histories (SAVEPOINT_HISTORIES in @kvcache/core/testing), run through
// real Kysely transactions on PostgreSQL. Each letter is a write to its own table (`h_a`...): after
// the history, the letters the core's buffer publishes must be exactly the ones whose writes were
// committed, every read through the cache must be fresh, and a read whose table's write was rolled
// back must still be a hit. Rows of the core table left out here, and why:
// - anonymous savepoints (Prisma's nesting): Kysely names every savepoint;
// - SQLite's outermost SAVEPOINT: PostgreSQL refuses SAVEPOINT outside a transaction;
// - a ROLLBACK TO or RELEASE of a savepoint that does not exist (or was released): PostgreSQL fails
//   the statement and aborts the transaction.
import { changeScopes } from '@kvcache/core/binding'
import { SAVEPOINT_HISTORIES, type HistoryStep } from '@kvcache/core/testing'
import { sql, type Kysely } from 'kysely'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { setup, usePostgres } from './setup'

type Step = 'begin' | 'commit' | 'rollback' | `savepoint ${string}` | `rollback-to ${string}` | `release ${string}` | Letter
type Letter = 'a' | 'b' | 'c' | 'd' | 'e'
type History = Kysely<Record<`h_${Letter | 'z'}`, { id: number; v: number }>>

const LETTERS: readonly Letter[] = ['a', 'b', 'c', 'd', 'e']
/** A core step as this file spells it (savepoints by name; anonymous ones are Prisma's nesting). */
function stepOf(step: HistoryStep): Step | undefined {
  if (typeof step === 'string') return step as Letter
  if (step.kind === 'begin' || step.kind === 'commit' || step.kind === 'rollback') return step.kind
  return step.name === undefined ? undefined : `${step.kind} ${step.name}`
}

/** The core's histories PostgreSQL runs as written, with named savepoints. */
const HISTORIES: [string, Step[], readonly string[]][] = SAVEPOINT_HISTORIES.filter((history) => !history.refusedBy?.postgres).flatMap((history) => {
  const steps = history.steps.map(stepOf)
  return steps.every((step) => step !== undefined) ? [[history.name, steps as Step[], history.expected] as [string, Step[], readonly string[]]] : []
})

const pool = usePostgres()
beforeAll(async () => {
  for (const letter of [...LETTERS, 'z']) await pool.query(`CREATE TABLE h_${letter} (id integer PRIMARY KEY, v integer NOT NULL)`)
})

/** How one kind of Kysely transaction takes a history's steps (begin and commit or rollback at its ends). */
interface Runner {
  readonly name: string
  /** Kysely 0.27 has no controlled transactions. */
  readonly since028?: boolean
  readonly run: (db: History, steps: readonly Step[]) => Promise<void>
}

const write = (db: History, letter: Letter) =>
  db
    .updateTable(`h_${letter}`)
    .set({ v: sql`v + 1` })
    .execute()
const arg = (step: string) => step.slice(step.indexOf(' ') + 1)
const inner = (steps: readonly Step[]) => steps.slice(1, -1)
const ends = (steps: readonly Step[]) => steps.at(-1) as 'commit' | 'rollback'

/** Savepoint statements as raw SQL, the way `db.transaction()` and a raw BEGIN take them. */
async function rawStep(db: History, step: Step): Promise<void> {
  if (step.length === 1) return void (await write(db, step as Letter))
  const [verb] = step.split(' ')
  const text = { savepoint: 'savepoint', 'rollback-to': 'rollback to savepoint', release: 'release savepoint' }[verb as string]
  await sql`${sql.raw(`${text} ${arg(step)}`)}`.execute(db)
}

const RUNNERS: Runner[] = [
  {
    name: 'db.transaction().execute() with raw savepoint SQL',
    async run(db, steps) {
      const rollback = new Error('roll back')
      const done = db.transaction().execute(async (trx) => {
        for (const step of inner(steps)) await rawStep(trx, step)
        if (ends(steps) === 'rollback') throw rollback
      })
      await (ends(steps) === 'rollback' ? expect(done).rejects.toBe(rollback) : done)
    },
  },
  {
    name: 'raw BEGIN, savepoints and COMMIT on db.connection()',
    async run(db, steps) {
      await db.connection().execute(async (conn) => {
        for (const step of steps)
          await (step === 'begin' || step === 'commit' || step === 'rollback' ? sql`${sql.raw(step)}`.execute(conn) : rawStep(conn, step))
      })
    },
  },
  {
    name: 'startTransaction() with trx.savepoint(), rollbackToSavepoint(), releaseSavepoint()',
    since028: true,
    async run(db, steps) {
      // Kysely types savepoint names; the histories reuse and release them freely.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let trx: any = await db.startTransaction().execute()
      for (const step of inner(steps)) {
        if (step.length === 1) await write(trx, step as Letter)
        else if (step.startsWith('savepoint ')) trx = await trx.savepoint(arg(step)).execute()
        else if (step.startsWith('rollback-to ')) trx = await trx.rollbackToSavepoint(arg(step)).execute()
        else trx = await trx.releaseSavepoint(arg(step)).execute()
      }
      await (ends(steps) === 'commit' ? trx.commit() : trx.rollback()).execute()
    },
  },
]

const RUNNABLE = RUNNERS.filter((runner) => !runner.since028 || inject('kyselyVersion') !== '0.27')

describe.each(RUNNABLE)('savepoint histories through $name', ({ run }) => {
  for (const [history, steps, published] of HISTORIES) {
    it(history, async () => {
      await pool.query(`TRUNCATE ${[...LETTERS, 'z'].map((letter) => `h_${letter}`).join(', ')}`)
      for (const letter of [...LETTERS, 'z']) await pool.query(`INSERT INTO h_${letter} VALUES (1, 0)`)
      const { db: typed, behind: plain, events, count } = setup(pool)
      const db = typed as unknown as History
      const behind = plain as unknown as History
      const read = (on: History, letter: Letter | 'z') => on.selectFrom(`h_${letter}`).select('v').execute()
      for (const letter of [...LETTERS, 'z'] as const) await read(db, letter)

      await run(db, steps)

      // Events carry scopes qualified by the tenant (`<tenant>:<scope>`; a tenant has no colon).
      const bumped = events.flatMap((event) => (event.type === 'invalidate' ? event.scopes.map((scope) => scope.slice(scope.indexOf(':') + 1)) : []))
      const reached = LETTERS.filter((letter) => changeScopes([{ kind: 'table', table: `h_${letter}` }]).some((scope) => bumped.includes(scope)))
      expect(reached).toStrictEqual(published)
      const hits = count('hit')
      for (const letter of [...LETTERS, 'z'] as const) expect(await read(db, letter), `h_${letter}`).toStrictEqual(await read(behind, letter))
      // Every table whose write was not published is still served from the cache (its rows did not change).
      expect(count('hit') - hits).toBe(LETTERS.length + 1 - published.length)
    })
  }
})
