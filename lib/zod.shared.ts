import { z } from 'zod'

/**
 * Zod for modules the browser imports (`*.shared.ts`). Zod 4 compiles object parsers with
 * `new Function` unless told not to, and probes for it even then unless `jitless` is set
 * first; the app's Content-Security-Policy forbids eval, so the probe alone is reported as
 * a violation. Setting it here, in the module that hands out `z`, makes it happen before
 * any shared schema is built (decision 010).
 */
z.config({ jitless: true })

export { z }
