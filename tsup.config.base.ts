import { defineConfig, type Options } from 'tsup'

/** One build shape for every published package: ESM + types, peers external. ESM only: see the README's Develop section. */
export function packageConfig(overrides: Partial<Options> = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    // Short local names in dist/ (exports keep theirs): wrangler keeps function names
    // (`keep_names`) by default, so every long one would ship as a string.
    // bench/bundle-attribution measures the saving.
    minifyIdentifiers: true,
    ...overrides,
  })
}
