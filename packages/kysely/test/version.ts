import * as kysely from 'kysely'

/** Which Kysely is loaded, from what each version exports (0.28 added CollateNode, 0.29 AlterTypeNode). */
export function loadedKyselyVersion(): string {
  if ('AlterTypeNode' in kysely) return '0.29'
  if ('CollateNode' in kysely) return '0.28'
  return '0.27'
}
