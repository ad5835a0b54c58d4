import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'

/** Debian's Chromium. playwright-core drives it; `playwright install` is never used. */
export const CHROMIUM_PATH = '/usr/bin/chromium'

/** What Chromium needs on these machines (no outside network, no GPU, running as root). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed: ${CHROMIUM_PATH} does not exist. The browser tests need Debian's Chromium; ` +
        'install it with `apt-get install -y chromium` (run `apt-get update` first if that fails), then run them again.',
    )
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 })
}

/** A phone-sized screen (iPhone 12–15), with the viewport meta tag honoured. */
export const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
}

/**
 * Remix logs the AbortError of a response it was reading when the read is cancelled: a
 * fetcher's revalidation cut short by the next navigation (single fetch's decoder logs before
 * it rethrows, and the router then drops the cancelled load). Nothing failed and the person
 * sees nothing, so it is not a problem; any other error still is.
 */
const cancelledRead = /^AbortError: signal is aborted without reason(\n|$)/

/**
 * Everything that went wrong in the browser while a test ran: console errors (CSP
 * violations show up there), uncaught page errors, CSP violation events, failed requests
 * and server errors. A test fails when any is left at the end, unless it said beforehand
 * that it expects a particular console error (`expectConsoleError`).
 */
export class BrowserProblems {
  private readonly problems: string[] = []
  private readonly expected: { pattern: RegExp; remaining: number; description: string }[] = []

  add(problem: string) {
    this.problems.push(problem)
  }

  /** The next `times` console errors matching `pattern` are expected, not problems. */
  expectConsoleError(pattern: RegExp, description: string, times = 1) {
    this.expected.push({ pattern, remaining: times, description })
  }

  consoleError(text: string, where: string) {
    if (cancelledRead.test(text)) return
    const expectation = this.expected.find((entry) => entry.remaining > 0 && entry.pattern.test(text))
    if (expectation) {
      expectation.remaining--
      return
    }
    this.add(`console error${where ? ` (${where})` : ''}: ${text}`)
  }

  /** Throws if anything went wrong, or if an expected console error never appeared. */
  assertNone() {
    const missing = this.expected.filter((entry) => entry.remaining > 0)
    const lines = [
      ...this.problems,
      ...missing.map((entry) => `expected console error did not appear: ${entry.description} (${entry.pattern})`),
    ]
    if (lines.length > 0) {
      throw new Error(`The browser reported ${lines.length} problem(s):\n${lines.map((line) => `  - ${line}`).join('\n')}`)
    }
  }
}

export interface OpenedPage {
  context: BrowserContext
  page: Page
  problems: BrowserProblems
  /** Pages (documents) the browser loaded from the server, in order: full page loads, not client-side navigations. */
  documentRequests: string[]
}

/**
 * A new browser context (its own cookies) and page on the app at `baseUrl`, watched for
 * problems. Close it with `context.close()` after checking `problems.assertNone()`.
 */
export async function openPage(browser: Browser, baseUrl: string, options: BrowserContextOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({ baseURL: baseUrl, ...options })
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(30_000)
  const problems = new BrowserProblems()
  const documentRequests: string[] = []

  // The console message names a CSP violation; the event says exactly which directive and source.
  await context.exposeBinding('__e2eReportCspViolation', ({ page }, violation: Record<string, unknown>) => {
    problems.add(`CSP violation on ${page.url()}: ${JSON.stringify(violation)}`)
  })
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __e2eReportCspViolation(v: unknown): void }).__e2eReportCspViolation
      void report({
        directive: event.violatedDirective,
        blocked: event.blockedURI,
        source: `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
        sample: event.sample,
        disposition: event.disposition,
      })
    })
  })

  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const location = message.location()
    problems.consoleError(message.text(), location.url ? `${location.url}:${location.lineNumber}` : page.url())
  })
  page.on('pageerror', (error) => problems.add(`uncaught error on ${page.url()}: ${error.stack ?? error.message}`))
  page.on('crash', () => problems.add(`the page crashed on ${page.url()}`))
  page.on('requestfailed', (request) => {
    const failure = request.failure()?.errorText ?? 'unknown error'
    // A navigation that replaces an unfinished request cancels it; that is not a fault.
    if (failure === 'net::ERR_ABORTED') return
    // With JavaScript switched off, Chromium refuses the page's script preloads and says "csp".
    if (options.javaScriptEnabled === false && failure === 'csp' && request.resourceType() === 'script') return
    problems.add(`request failed: ${request.method()} ${request.url()}: ${failure}`)
  })
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      documentRequests.push(`${request.method()} ${new URL(request.url()).pathname}`)
    }
  })
  page.on('response', (response) => {
    if (response.status() >= 500) {
      problems.add(`server error: ${response.status()} for ${response.request().method()} ${response.url()}`)
    }
  })
  return { context, page, problems, documentRequests }
}

/**
 * Waits until React has hydrated the page, so clicks go through the app's JavaScript
 * (client-side navigation, Remix forms) rather than the browser's plain HTML behaviour.
 * If the app's scripts are blocked (for example by the CSP), this times out.
 */
export async function waitForHydration(page: Page) {
  try {
    await page.waitForFunction(
      () => {
        if (!('__remixRouter' in window)) return false
        const key = Object.keys(document).find((name) => name.startsWith('__reactContainer$'))
        if (!key) return false
        const hostRoot = (document as unknown as Record<string, { stateNode?: { current?: { memoizedState?: { isDehydrated?: boolean } } } }>)[key]
        return hostRoot?.stateNode?.current?.memoizedState?.isDehydrated === false
      },
      undefined,
      { timeout: 15_000, polling: 50 },
    )
  } catch (error) {
    throw new Error(`${page.url()} did not hydrate: the app's JavaScript did not run or failed.`, { cause: error })
  }
}

/** The page's full width and the visible width: scrollWidth > clientWidth means scrolling sideways. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }))
}
