import { expect, it } from 'vitest'
import { openStampTable } from '../../coordinator/src/stamp-table'
import { simulatedStampSql } from '../src'

it('runs exactly the stamp table statements: another statement throws, a failed transaction rolls back', () => {
  const { sql, transaction } = simulatedStampSql()
  let nowMs = Date.UTC(2026, 0, 1)
  const table = openStampTable(sql, transaction, () => nowMs)
  const [birth] = table.read([':table:a'])
  nowMs += 1000
  const bumped = table.bump([':table:a'], undefined)
  expect(bumped > (birth as string)).toBe(true)
  expect(table.read([':table:a', ':table:b'])).toStrictEqual([bumped, birth])
  // A reopened table (the object restarted) keeps its birth stamp and its stamps.
  expect(openStampTable(sql, transaction, () => nowMs).read([':table:a', ':table:b'])).toStrictEqual([bumped, birth])

  expect(() => sql.exec('SELECT 1')).toThrow('statement not simulated')
  expect(() =>
    transaction(() => {
      sql.exec('INSERT OR REPLACE INTO kvcache_stamps (scope, stamp) VALUES (?, ?)', ':table:a', 'garbage')
      throw new Error('abort')
    }),
  ).toThrow('abort')
  expect(table.read([':table:a'])).toStrictEqual([bumped])
})
