import type { Browser, BrowserContextOptions } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { launchChromium, openPage, type OpenedPage } from './browser'
import { startApp, type AppServer, type StartAppOptions } from './server'

/** How to start an app: options, or a function that gives them once the file's earlier beforeAll hooks have run. */
export type AppOptions = StartAppOptions | (() => StartAppOptions)

/** `apps` and `browser` are there once the file's beforeAll has run: read them in tests and hooks (destructuring `browser` when the file loads throws). */
export interface AppsAndBrowser<Name extends string> {
  /** The apps by name, each there once the file's beforeAll has run. */
  readonly apps: Readonly<Record<Name, AppServer>>
  /** Chromium, there once the file's beforeAll has run. */
  readonly browser: Browser
  /**
   * A new browser context (its own cookies) and page on `app`, watched for problems. After
   * the test, the harness checks it reported none, then closes it.
   */
  newPage(app: AppServer, options?: BrowserContextOptions): Promise<OpenedPage>
}

/**
 * The harness of a browser test file, for apps that differ (say, one with AI and one
 * without), each on its own fresh database:
 *
 * - before all tests: starts each app (`apps`, by name) and Chromium, all at once (an app
 *   needs a few seconds to open its database);
 * - after each test: fails it if a page it opened reported a problem (console error,
 *   uncaught error, CSP violation, failed request, 5xx), or if an app wrote to stderr
 *   during it; then closes its pages;
 * - after all tests: closes Chromium and stops the apps.
 *
 * Call it at the top level of the test file. A hook the file registers before this call
 * runs before the apps start (and, for afterAll, after they stop): that is where a server
 * an app talks to is started, and `apps` may then be given as functions that read it.
 */
export function useAppsAndBrowser<Name extends string>(apps: Record<Name, AppOptions>): AppsAndBrowser<Name> {
  const names = Object.keys(apps) as Name[]
  const started: Partial<Record<Name, AppServer>> = {}
  let browser: Browser | undefined
  let opened: OpenedPage[] = []
  let stderrBefore = new Map<Name, number>()
  const running = () => names.flatMap((name) => (started[name] ? [[name, started[name]] as const] : []))

  beforeAll(async () => {
    // Each is kept as soon as it is up, so that afterAll stops it even if another failed to start.
    await Promise.all([
      launchChromium().then((launched) => (browser = launched)),
      ...names.map(async (name) => {
        const options = apps[name]
        started[name] = await startApp(typeof options === 'function' ? options() : options)
      }),
    ])
  })

  afterAll(async () => {
    await browser?.close()
    await Promise.all(running().map(([, app]) => app.stop()))
  })

  beforeEach(() => {
    opened = []
    stderrBefore = new Map(running().map(([name, app]) => [name, app.errorOutput().length]))
  })

  afterEach(async () => {
    try {
      for (const { problems } of opened) problems.assertNone()
      for (const [name, app] of running()) {
        const stderr = app.errorOutput().slice(stderrBefore.get(name) ?? 0)
        expect(stderr, `the ${names.length > 1 ? `${name} ` : ''}app wrote to stderr during the test`).toBe('')
      }
    } finally {
      await Promise.all(opened.map(({ context }) => context.close()))
    }
  })

  const startedBrowser = () => {
    if (!browser) throw new Error('Chromium is not running: it starts in beforeAll, so read `browser` inside a test or hook (not when the file loads)')
    return browser
  }
  const appsByName = {} as Record<Name, AppServer>
  for (const name of names) {
    Object.defineProperty(appsByName, name, {
      enumerable: true,
      get() {
        const app = started[name]
        if (!app) throw new Error(`The ${name} app is not running: it starts in beforeAll, so read it inside a test or hook (not when the file loads)`)
        return app
      },
    })
  }

  return {
    apps: appsByName,
    get browser() {
      return startedBrowser()
    },
    async newPage(app, options = {}) {
      const page = await openPage(startedBrowser(), app.baseUrl, options)
      opened.push(page)
      return page
    },
  }
}

export interface AppAndBrowser {
  /** The app, there once the file's beforeAll has run. */
  readonly server: AppServer
  /** Chromium, there once the file's beforeAll has run. */
  readonly browser: Browser
  /** A new browser context and page on the app; see AppsAndBrowser.newPage. */
  newPage(options?: BrowserContextOptions): Promise<OpenedPage>
}

/** useAppsAndBrowser for a file that needs one app (by default without AI: guided mode). */
export function useAppAndBrowser(app: AppOptions = {}): AppAndBrowser {
  const harness = useAppsAndBrowser({ app })
  return {
    get server() {
      return harness.apps.app
    },
    get browser() {
      return harness.browser
    },
    newPage: (options) => harness.newPage(harness.apps.app, options),
  }
}
