import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { cookieHeaders } from '~/utils/auth.server'

export async function loader() {
  return redirect('/')
}

/** Ends the session on the server (the cookie stops working everywhere) and clears it. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { setCookies } = await context.auth.signOut({
    cookieHeader: request.headers.get('Cookie'),
    ipAddress: context.ipAddress,
  })
  return redirect('/login', { headers: cookieHeaders(setCookies) })
}
