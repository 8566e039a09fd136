import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts', 'src/conformance.ts'],
  format: ['esm'],
  target: 'node22',
  dts: true,
  // No source maps: they would point at src/*.ts, which the package does not ship, and a stack
  // trace through a conformance suite reads better in the built JavaScript than in a missing file.
  sourcemap: false,
  clean: true,
})
