// Catalog introspection against a real PostgreSQL server (DATABASE_URL), in a schema of its own.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bulkScope, databaseScope, rowScope, tableScope } from '../../../src/layout'
import { introspectPostgres, planStatement, resolveRelation, type Catalog } from '../../../src/sql'

const s = `kvc_sql_${Math.random().toString(36).slice(2, 10)}`
// Set by the shared globalSetup (test-support/postgres-setup.ts): the caller's, the machine's or an embedded server.
const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is unset: the pg project in vitest.config.ts must list postgresGlobalSetup')
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })

const SCHEMA = [
  `CREATE SCHEMA ${s}`,
  `CREATE TABLE ${s}.users (id integer PRIMARY KEY, name text NOT NULL)`,
  `CREATE TABLE ${s}.posts (id integer PRIMARY KEY, author_id integer REFERENCES ${s}.users(id) ON DELETE CASCADE, title text)`,
  `CREATE TABLE ${s}.comments (id integer PRIMARY KEY, post_id integer REFERENCES ${s}.posts(id) ON DELETE SET NULL ON UPDATE CASCADE, body text)`,
  `CREATE TABLE ${s}.members (user_id integer, org_id integer, PRIMARY KEY (org_id, user_id))`,
  `CREATE TABLE ${s}.audit (id serial PRIMARY KEY, what text)`,
  `CREATE TABLE ${s}.audit_archive (what text)`,
  `CREATE TABLE ${s}.events (id integer, at date NOT NULL) PARTITION BY RANGE (at)`,
  `CREATE TABLE ${s}.events_2026 PARTITION OF ${s}.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')`,
  `CREATE VIEW ${s}.published AS SELECT p.id, p.title, u.name FROM ${s}.posts p JOIN ${s}.users u ON u.id = p.author_id`,
  `CREATE VIEW ${s}.published_titles AS SELECT title FROM ${s}.published`,
  `CREATE MATERIALIZED VIEW ${s}.post_counts AS SELECT author_id, count(*) AS n FROM ${s}.posts GROUP BY author_id`,
  // A SQL helper, called from a PL/pgSQL trigger function: the catalog follows the call.
  `CREATE FUNCTION ${s}.archive(what text) RETURNS void LANGUAGE sql AS $$ INSERT INTO ${s}.audit_archive (what) VALUES (what) $$`,
  `CREATE FUNCTION ${s}.log_user() RETURNS trigger LANGUAGE plpgsql AS $body$
   BEGIN
     INSERT INTO ${s}.audit (what) VALUES ('user ' || NEW.id);
     PERFORM ${s}.archive('user changed');
     RETURN NEW;
   END $body$`,
  `CREATE TRIGGER users_audit AFTER UPDATE ON ${s}.users FOR EACH ROW EXECUTE FUNCTION ${s}.log_user()`,
  // Dynamic SQL: what it writes cannot be read.
  `CREATE FUNCTION ${s}.dynamic() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'DELETE FROM ' || TG_ARGV[0]; RETURN NULL; END $$`,
  `CREATE TRIGGER members_dynamic AFTER INSERT OR DELETE ON ${s}.members FOR EACH STATEMENT EXECUTE FUNCTION ${s}.dynamic('x')`,
  `CREATE RULE comments_log AS ON DELETE TO ${s}.comments DO ALSO INSERT INTO ${s}.audit (what) VALUES ('comment deleted')`,
]

let catalog: Catalog
const own = (name: string) => name.startsWith(`${s}.`)
const short = (name: string) => name.slice(s.length + 1)

beforeAll(async () => {
  for (const statement of SCHEMA) await pool.query(statement)
  catalog = await introspectPostgres(async (sql) => (await pool.query(sql)).rows)
})

afterAll(async () => {
  await pool.query(`DROP SCHEMA ${s} CASCADE`)
  await pool.end()
})

describe('introspectPostgres', () => {
  it('lists tables (partitions and materialized views too) with primary keys in key order', () => {
    const tables = [...catalog.tables.keys()].filter(own).map(short).sort()
    expect(tables).toStrictEqual(['audit', 'audit_archive', 'comments', 'events', 'events_2026', 'members', 'post_counts', 'posts', 'users'])
    expect(catalog.tables.get(`${s}.members`)?.primaryKey).toStrictEqual(['org_id', 'user_id'])
    expect(catalog.tables.get(`${s}.users`)?.primaryKey).toStrictEqual(['id'])
    expect(catalog.tables.get(`${s}.audit_archive`)?.primaryKey).toStrictEqual([])
  })

  it('reads foreign keys with their actions, and partitions', () => {
    const keys = catalog.foreignKeys
      .filter((key) => own(key.table))
      .map((key) => `${short(key.table)}->${short(key.references)} ${key.onDelete}/${key.onUpdate}`)
    expect(keys.sort()).toStrictEqual(['comments->posts set null/cascade', 'posts->users cascade/no action'])
    expect(catalog.inherits.filter((link) => own(link.child))).toStrictEqual([{ child: `${s}.events_2026`, parent: `${s}.events` }])
  })

  it('reads views from the dependencies PostgreSQL records, through other views', () => {
    expect([...(catalog.views.get(`${s}.published`) ?? [])].sort()).toStrictEqual([`${s}.posts`, `${s}.users`])
    expect([...(catalog.views.get(`${s}.published_titles`) ?? [])].sort()).toStrictEqual([`${s}.posts`, `${s}.users`])
    expect(catalog.views.has(`${s}.post_counts`)).toBe(false)
  })

  it('reads triggers through their PL/pgSQL and SQL function bodies, and rules', () => {
    const audit = catalog.triggers.find((trigger) => trigger.name === 'users_audit' && own(trigger.table))
    expect(audit?.events).toStrictEqual(['update'])
    expect([...new Set(audit?.writes.map((write) => short(write.table)))].sort()).toStrictEqual(['audit', 'audit_archive'])
    const dynamic = catalog.triggers.find((trigger) => trigger.name === 'members_dynamic')
    expect(dynamic?.events).toStrictEqual(['insert', 'delete'])
    expect(dynamic?.writesUnknown).toBe(true)
    const rule = catalog.triggers.find((trigger) => trigger.table === `${s}.comments`)
    expect(rule?.events).toStrictEqual(['delete'])
    expect(rule?.writes.map((write) => write.table)).toContain(`${s}.audit`)
  })

  it('plans with it: triggers, rules, cascades, dynamic SQL', () => {
    const scopes = (sql: string, params: unknown[] = []) => {
      const plan = planStatement({ sql, params, dialect: 'postgres' }, { catalog })
      return plan.type === 'write' ? [...plan.scopes].sort() : plan
    }
    // Each table under both spellings: `users` on a connection whose search path starts with this schema is `${s}.users`.
    const spelled = (table: string, make: (name: string) => string[]) => [...make(`${s}.${table}`), ...make(table)]
    expect(scopes(`update "${s}"."users" set "name" = $1 where "${s}"."users"."id" = $2`, ['Ada', 1])).toStrictEqual(
      [
        ...spelled('users', (name) => [tableScope(name), rowScope(name, 1)]),
        ...spelled('audit', (name) => [tableScope(name), bulkScope(name)]),
        ...spelled('audit_archive', (name) => [tableScope(name), bulkScope(name)]),
      ].sort(),
    )
    expect(scopes(`delete from ${s}.comments`)).toContain(tableScope(`${s}.audit`))
    expect(scopes(`insert into ${s}.events_2026 values (1, '2026-05-01')`)).toContain(tableScope(`${s}.events`))
    expect(scopes(`insert into ${s}.members values (1, 2)`)).toContain(databaseScope())
  })

  it("reads the connection's search path, and plans unqualified names the way PostgreSQL resolves them", async () => {
    // Without `SET search_path`, unqualified names resolve in `public` (the default path, existing schemas only).
    expect(catalog.searchPath).toContain('public')
    expect(resolveRelation(catalog, 'users')).toBe('users')
    const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${s},public` })
    await client.connect()
    try {
      const onPath = await introspectPostgres(async (sql) => (await client.query(sql)).rows)
      expect(onPath.searchPath).toStrictEqual([s, 'public'])
      expect(resolveRelation(onPath, 'users')).toBe(`${s}.users`)
      expect(resolveRelation(onPath, 'not_a_table')).toBe('not_a_table')
      // `users` is this schema's table: its key, its trigger and both spellings.
      const plan = planStatement({ sql: 'update users set name = $1 where id = $2', params: ['Ada', 1], dialect: 'postgres' }, { catalog: onPath })
      expect(plan.type === 'write' && [...plan.scopes].sort()).toStrictEqual(
        [
          tableScope(`${s}.users`),
          rowScope(`${s}.users`, 1),
          tableScope('users'),
          rowScope('users', 1),
          tableScope(`${s}.audit`),
          bulkScope(`${s}.audit`),
          tableScope('audit'),
          bulkScope('audit'),
          tableScope(`${s}.audit_archive`),
          bulkScope(`${s}.audit_archive`),
          tableScope('audit_archive'),
          bulkScope('audit_archive'),
        ].sort(),
      )
      expect(planStatement({ sql: 'select * from published', dialect: 'postgres' }, { catalog: onPath })).toMatchObject({ type: 'read' })
    } finally {
      await client.end()
    }
  })

  it('the trigger really writes what the catalog says (checked against PostgreSQL itself)', async () => {
    await pool.query(`INSERT INTO ${s}.users VALUES (1, 'Ada')`)
    await pool.query(`UPDATE ${s}.users SET name = 'Ada L.' WHERE id = 1`)
    const archived = await pool.query(`SELECT what FROM ${s}.audit_archive`)
    expect(archived.rows.map((row) => row.what)).toStrictEqual(['user changed'])
  })
})
