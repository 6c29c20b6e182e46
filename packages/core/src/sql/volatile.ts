import { isPunct, type Token } from './tokens'

/**
 * Functions whose result changes without any write (time, randomness, sequences, connection
 * state), in SQLite and PostgreSQL. A read that calls one is not cached: no stamp could tell when
 * its result moved. Matched as `name(`.
 */
const VOLATILE_FUNCTIONS = new Set([
  'random',
  'randomblob',
  'random_bytes',
  'gen_random_uuid',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'uuidv4',
  'uuidv7',
  'now',
  'clock_timestamp',
  'statement_timestamp',
  'transaction_timestamp',
  'timeofday',
  'unixepoch',
  'nextval',
  'currval',
  'lastval',
  'setval',
  'last_insert_rowid',
  'changes',
  'total_changes',
  'txid_current',
  'pg_current_xact_id',
  'pg_backend_pid',
  'inet_client_addr',
  'pg_sleep',
  'sqlite_version',
  'pg_advisory_lock',
  'pg_advisory_xact_lock',
  'pg_try_advisory_lock',
  'pg_try_advisory_xact_lock',
  'pg_advisory_unlock',
  'pg_advisory_unlock_all',
  'pg_notify',
  'set_config',
  'pg_cancel_backend',
  'pg_terminate_backend',
  'dblink',
  'dblink_exec',
  'lo_import',
  'lo_export',
  'lo_unlink',
])

/** True for a function (any schema prefix, any case) whose result changes without a write, or that acts. */
export function isVolatileFunction(name: string): boolean {
  return VOLATILE_FUNCTIONS.has(name.toLowerCase().replace(/^.*\./, ''))
}

/** Keywords that read the clock without parentheses (`current_timestamp`). */
const VOLATILE_KEYWORDS = new Set(['current_timestamp', 'current_date', 'current_time', 'localtime', 'localtimestamp'])

/**
 * True when the tokens call a volatile function or read the clock: `random()`, `now()`,
 * `current_timestamp`, or SQLite's `'now'` time value (`datetime('now')`, `strftime('%s', 'now')`).
 */
export function callsVolatile(tokens: readonly Token[], from: number, to: number): boolean {
  for (let index = from; index < to; index++) {
    const token = tokens[index] as Token
    if (token.type === 'word') {
      if (VOLATILE_KEYWORDS.has(token.text)) return true
      if (VOLATILE_FUNCTIONS.has(token.text) && isPunct(tokens[index + 1], '(')) return true
    } else if (token.type === 'string' && /^'now'$/i.test(token.text)) {
      return true
    }
  }
  return false
}
