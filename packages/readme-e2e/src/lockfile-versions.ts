/** One importer of `pnpm-lock.yaml`: its dependencies by name, with the versions the lockfile resolved. */
type Importer = Map<string, string>

/**
 * The version the workspace lockfile resolves for `name`, looked up in `importers` in order (e.g. the
 * binding's package, then the root). Throws naming the package when none of them has it.
 */
export function lockedVersion(lockfile: string, name: string, importers: readonly string[]): string {
  const all = readImporters(lockfile)
  for (const importer of importers) {
    const version = all.get(importer)?.get(name)
    if (version !== undefined) return version
  }
  throw new Error(`\`${name}\` is in no lockfile importer of ${importers.join(', ')}: add it to that package's devDependencies so its version is pinned.`)
}

// pnpm-lock.yaml v9:
//   importers:
//     packages/drizzle:
//       devDependencies:
//         drizzle-orm:
//           specifier: ^0.45.2
//           version: 0.45.4(@cloudflare/workers-types@4.20260702.1)
function readImporters(lockfile: string): Map<string, Importer> {
  const importers = new Map<string, Importer>()
  let importer: Importer | undefined
  let dependency: string | undefined
  let inImporters = false
  for (const line of lockfile.split('\n')) {
    if (/^\S/.test(line)) inImporters = line === 'importers:'
    if (!inImporters) continue
    const importerName = /^ {2}(\S.*):$/.exec(line)?.[1]
    if (importerName !== undefined) importers.set(importerName, (importer = new Map()))
    const dependencyName = /^ {6}'?([^':]+)'?:$/.exec(line)?.[1]
    if (dependencyName !== undefined) dependency = dependencyName
    // The version without its peer suffix; workspace links and aliases (`npm:other@1`, locked as `other@1`) are not one.
    const version = /^ {8}version: (\S+)$/.exec(line)?.[1]?.replace(/\(.*$/, '')
    if (version !== undefined && dependency !== undefined && importer && !/^(link|file):/.test(version) && !version.includes('@')) {
      importer.set(dependency, version)
    }
  }
  return importers
}
