import type { ActionFunctionArgs } from '@remix-run/node'
import { exportAccount } from '#lib/account/export'
import { requireUserId } from '~/utils/auth.server'

/**
 * "Download my data" (issue 15): the settings page's form posts here (with
 * `reloadDocument`, so the browser saves the answer) and gets the ZIP of everything the
 * person may take with them, read as them under row-level security. A POST, not a link:
 * it is recorded in the audit log (`data_export`), and nothing should do that by
 * prefetching a URL.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const { zip, fileName } = await exportAccount(context.db, { userId })
  return new Response(new Uint8Array(zip), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': `attachment; filename="${fileName}"`,
      'Content-Length': String(zip.byteLength),
    },
  })
}
