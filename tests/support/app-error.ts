import { AppError } from '#lib/errors'

/** The AppError a promise rejects with; fails the test if it succeeds or throws anything else. */
export async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected an AppError, but it succeeded')
}
