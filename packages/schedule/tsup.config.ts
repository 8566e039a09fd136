import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node22',
  // Types of workspace packages come from their built packages, not from the source paths
  // tsconfig.json maps for typechecking and tests.
  dts: { compilerOptions: { paths: {} } },
  sourcemap: true,
  clean: true,
})
