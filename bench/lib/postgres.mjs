// The machine's PostgreSQL for benches: a schema with a random name per run, dropped afterwards.
import pg from 'pg'

/** The server benches use: DATABASE_URL, read at run time, or the local default. */
export const databaseUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Miniflare's Hyperdrive binding insists on a password in the URL; local trust auth ignores it.
 * Returns the URL with a placeholder password when it has none.
 */
export function hyperdriveUrl(url = databaseUrl()) {
  const parsed = new URL(url)
  if (!parsed.password) parsed.password = 'postgres'
  return parsed.toString()
}

/**
 * Creates `<prefix>_<random>`, runs `statements` in it (use `{schema}` for its name), and returns
 * { schema, drop() }. Only the schema created here is ever dropped.
 */
export async function createSchema(prefix, statements) {
  const schema = `${prefix}_${Math.random().toString(36).slice(2, 10)}`
  const client = new pg.Client({ connectionString: databaseUrl() })
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA ${schema}`)
    for (const statement of statements) await client.query(statement.replaceAll('{schema}', schema))
  } finally {
    await client.end()
  }
  return {
    schema,
    async drop() {
      const dropper = new pg.Client({ connectionString: databaseUrl() })
      await dropper.connect()
      try {
        await dropper.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await dropper.end()
      }
    },
  }
}
