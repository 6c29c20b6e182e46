// The catalog of a PostgreSQL database, read from pg_catalog in one round trip (Hyperdrive may be
// far away). Every row has the same columns: kind, schema, name, a, b, c, n. Names are cast to
// text and numbers to int so any driver returns plain strings and numbers.

// Built inside functions and called as pure: a bundle that never reads a PostgreSQL catalog (a D1
// Worker) drops these strings even when this module is concatenated with the rest (our dist files).

function userSchema(alias: string): string {
  return `${alias}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${alias}.nspname NOT LIKE 'pg\\_toast%' AND ${alias}.nspname NOT LIKE 'pg\\_temp\\_%'`
}

/** Everything but function bodies, in one statement. */
export const POSTGRES_CATALOG_QUERY: string = /* @__PURE__ */ catalogQuery()

function catalogQuery(): string {
  // Tables ('r', partitioned 'p'), views ('v') and materialized views ('m', which behave like tables:
  // they change on REFRESH). Foreign tables change outside our writes: left out, so reads of them bypass.
  const relations = `SELECT 'relation'::text AS kind, n.nspname::text AS schema, c.relname::text AS name,
  c.relkind::text AS a, NULL::text AS b, NULL::text AS c, 0 AS n
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND ${userSchema('n')}`

  const primaryKeys = `SELECT 'pk', n.nspname::text, c.relname::text, a.attname::text, pg_catalog.format_type(a.atttypid, NULL)::text, NULL, k.position::int
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE i.indisprimary AND ${userSchema('n')}`

  // confdeltype / confupdtype: a = no action, r = restrict, c = cascade, n = set null, d = set default.
  const foreignKeys = `SELECT 'fk', cn.nspname::text, c.relname::text, pn.nspname::text, p.relname::text,
  k.confdeltype::text || k.confupdtype::text, 0
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_catalog.pg_class p ON p.oid = k.confrelid JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
WHERE k.contype = 'f' AND ${userSchema('cn')}`

  // What each view's query reads, and each rewrite rule's targets, from the dependencies PostgreSQL
  // records (exact, unlike reading the view's text). ev_type: 1 = SELECT (a view), 2 = UPDATE, 3 = INSERT, 4 = DELETE.
  const rewriteDependencies = `SELECT DISTINCT 'rule', vn.nspname::text, v.relname::text, tn.nspname::text, t.relname::text,
  r.ev_type::text || v.relkind::text, 0
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class v ON v.oid = r.ev_class JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
  AND d.refclassid = 'pg_catalog.pg_class'::regclass
JOIN pg_catalog.pg_class t ON t.oid = d.refobjid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
WHERE t.oid <> v.oid AND ${userSchema('vn')}`

  // User triggers (not the internal ones that implement foreign keys) with their function's body.
  // tgtype bits: 4 = INSERT, 8 = DELETE, 16 = UPDATE, 32 = TRUNCATE.
  const triggers = `SELECT 'trigger', tn.nspname::text, t.relname::text, g.tgname::text, l.lanname::text, p.prosrc::text, g.tgtype::int
FROM pg_catalog.pg_trigger g
JOIN pg_catalog.pg_class t ON t.oid = g.tgrelid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE NOT g.tgisinternal AND ${userSchema('tn')}`

  const inheritance = `SELECT 'inherits', cn.nspname::text, c.relname::text, pn.nspname::text, p.relname::text, NULL, 0
FROM pg_catalog.pg_inherits i
JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
JOIN pg_catalog.pg_class p ON p.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
WHERE ${userSchema('cn')}`

  // Where unqualified names resolve for this connection, in order (existing schemas only).
  const searchPath = `SELECT 'search_path', s.schema::text, NULL, NULL, NULL, NULL, s.position::int
FROM unnest(current_schemas(false)) WITH ORDINALITY AS s(schema, position)`

  return [relations, primaryKeys, foreignKeys, rewriteDependencies, triggers, inheritance, searchPath].join('\nUNION ALL\n')
}

/**
 * SQL and PL/pgSQL functions written by users (not by extensions), for trigger bodies that call
 * them. Only run when the database has triggers.
 */
export const POSTGRES_FUNCTIONS_QUERY: string = /* @__PURE__ */ functionsQuery()

function functionsQuery(): string {
  return `SELECT 'function' AS kind, n.nspname::text AS schema, p.proname::text AS name,
  l.lanname::text AS a, p.prosrc::text AS b, NULL::text AS c, 0 AS n
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE ${userSchema('n')}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')`
}
