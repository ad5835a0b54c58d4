import path from 'node:path'
import tsconfigPaths from 'vite-tsconfig-paths'
import { defineConfig } from 'vitest/config'

const projectRoot = path.resolve(import.meta.dirname, '../..')

/**
 * Browser tests: `npm run test:e2e`. The global setup builds the app for production once;
 * each test file starts that build on a fresh embedded database and drives it in Chromium
 * (Debian's /usr/bin/chromium, through playwright-core). Files run one at a time: each
 * starts a server and a browser, and they are slow enough without competing for the CPU.
 */
export default defineConfig({
  root: projectRoot,
  plugins: [tsconfigPaths({ root: projectRoot })],
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    setupFiles: ['tests/support/setup.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // A browser test that fails once is a bug to find, not a test to run again.
    retry: 0,
  },
})
