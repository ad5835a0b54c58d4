import { buildForProduction } from '../support/production-build'

/**
 * Builds the app for production before any browser test runs. Always builds (it takes a
 * few seconds): a stale build/ would test yesterday's code.
 */
export default async function buildBeforeBrowserTests() {
  const started = Date.now()
  await buildForProduction()
  console.log(`e2e: built the app for production in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
