/** Server code's name for the pure text checks, which the browser shares (turn protocol). */
export * from './text.shared'
