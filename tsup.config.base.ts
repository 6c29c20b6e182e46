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
    ...overrides,
  })
}
