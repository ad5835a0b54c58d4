import { format } from 'node:util'
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest'

/**
 * A test that makes the app log an error it did not expect fails: an error in the log is
 * a bug until a test says otherwise (with `allowConsoleError()`).
 */
let consoleError: MockInstance<typeof console.error>
let allowed = false

beforeEach(() => {
  allowed = false
  consoleError = vi.spyOn(console, 'error')
})

afterEach(() => {
  const calls = consoleError.mock.calls
  consoleError.mockRestore()
  if (!allowed && calls.length > 0) {
    throw new Error(`Unexpected console.error:\n${calls.map((args) => format(...args)).join('\n')}`)
  }
})

/** Lets the current test log errors (it expects them) and keeps them out of the output. */
export function allowConsoleError(): MockInstance<typeof console.error> {
  allowed = true
  consoleError.mockImplementation(() => {})
  return consoleError
}
