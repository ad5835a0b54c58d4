import { vitePlugin as remix } from '@remix-run/dev'
import tailwindcss from '@tailwindcss/vite'
import path from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import tsconfigPaths from 'vite-tsconfig-paths'
import remixConfig from './remix.config.js'

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}

const libDirectory = path.resolve(import.meta.dirname, 'lib')

/** Pure modules in lib/ that the browser may import: vocabulary such as the stage registry (decision 010). */
export function isSharedModule(file: string): boolean {
  return file.startsWith(libDirectory + path.sep) && /\.shared\.ts$/.test(file)
}

/**
 * `lib/` is the server-side core (database, auth, AI). Remix strips loaders and actions
 * from the browser build, and their imports with them; if a component ever imports `lib/`
 * directly, this stops the build instead of shipping server code to the browser. The one
 * exception is a `*.shared.ts` module, and its own imports pass the same check, so a shared
 * module that reaches for server code stops the build too.
 */
export function libStaysOnTheServer(): Plugin {
  return {
    name: 'stagecoach:lib-stays-on-the-server',
    enforce: 'pre',
    applyToEnvironment(environment) {
      return environment.name === 'client'
    },
    async resolveId(source, importer, options) {
      if (options?.ssr) return null
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true })
      if (resolved && resolved.id.startsWith(libDirectory + path.sep) && !isSharedModule(resolved.id)) {
        throw new Error(
          `${importer ?? 'a client module'} imports ${path.relative(process.cwd(), resolved.id)}: ` +
            'lib/ is server-only (except *.shared.ts modules). Call it from a loader, an action or a *.server.ts module.',
        )
      }
      return null
    },
  }
}

export default defineConfig({
  server: { port: 3000 },
  build: { target: 'es2022' },
  plugins: [
    tsconfigPaths(),
    tailwindcss(),
    !process.env.VITEST && libStaysOnTheServer(),
    !process.env.VITEST && remix(remixConfig),
  ],
})
