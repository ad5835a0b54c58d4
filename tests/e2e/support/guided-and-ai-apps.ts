import { afterAll, beforeAll, beforeEach } from 'vitest'
import { createFakeOpenAI, startFakeOpenAIServer, type FakeOpenAI } from '../../mocks/openai'
import { useAppsAndBrowser, type AppsAndBrowser } from './harness'

/**
 * Two apps and a browser for a test file: one in guided mode (no AI settings) and one
 * talking to a fake OpenAI-compatible server started here. The fake is up before the apps
 * start and closed after they stop; its script and recorded calls are reset before each test.
 */
export function useGuidedAndAiApps(): AppsAndBrowser<'guided' | 'ai'> & { fake: FakeOpenAI } {
  const fake = createFakeOpenAI()
  let fakeServer: Awaited<ReturnType<typeof startFakeOpenAIServer>> | undefined

  // Registered before the harness's own hooks, so the order above holds.
  beforeAll(async () => {
    fakeServer = await startFakeOpenAIServer(fake)
  })
  afterAll(async () => {
    await fakeServer?.close()
  })
  beforeEach(() => {
    fake.reset()
  })

  const harness = useAppsAndBrowser({
    guided: {},
    ai: () => {
      if (!fakeServer) throw new Error('the fake OpenAI server is not running')
      return { env: { OPENAI_BASE_URL: fakeServer.baseUrl, AI_MODEL: 'fake-coach' } }
    },
  })
  // Getters, not a spread: apps and the browser are there only once beforeAll has run.
  return {
    get apps() {
      return harness.apps
    },
    get browser() {
      return harness.browser
    },
    newPage: (app, options) => harness.newPage(app, options),
    fake,
  }
}
