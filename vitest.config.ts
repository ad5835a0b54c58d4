import { defineConfig } from 'vitest/config'
import tsconfigPaths from 'vite-tsconfig-paths'

/**
 * `npm test` runs every project:
 * - unit: pure logic next to the code it tests (lib/**, app/**), and the eval suite against
 *   the fake model (tests/evals/);
 * - db: integration tests on a real Postgres — embedded PGlite, or the server in
 *   DATABASE_URL when it is set, shaped like a Supabase project when
 *   TEST_DATABASE_SHAPE=supabase (`npm run test:db` runs just these);
 * - build: tests of the production build (the browser bundle, HTTP headers), built once.
 * Browser tests in Chromium are separate: `npm run test:e2e`.
 */
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    setupFiles: ['tests/support/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['lib/**/*.test.ts', 'app/**/*.test.{ts,tsx}', 'tests/mocks/**/*.test.ts', 'tests/evals/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['tests/integration/**/*.test.ts'],
          // What only a Supabase-shaped database can show runs only there.
          exclude: process.env.TEST_DATABASE_SHAPE === 'supabase' ? [] : ['tests/integration/supabase/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'build',
          include: ['tests/build/**/*.test.ts'],
          globalSetup: ['tests/build/global-setup.ts'],
        },
      },
    ],
  },
})
