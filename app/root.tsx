import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useLoaderData, useRouteLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { getProfile } from '#lib/profiles'
import { GeneralErrorBoundary } from './components/error-boundary'
import { OfflineProvider } from './offline/offline-provider'
import { OfflineStatus } from './offline/offline-status'
import { SignOutForm } from './offline/sign-out-form'
import favicon from './assets/favicon.svg?url'
import stylesheet from './tailwind.css?url'
import { useNonce } from './utils/nonce'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: favicon, type: 'image/svg+xml' },
  // Installable (decision 030): public/manifest.webmanifest, its icons and public/sw.js.
  { rel: 'manifest', href: '/manifest.webmanifest' },
  { rel: 'apple-touch-icon', href: '/icon-192.png' },
]

export async function loader({ context }: LoaderFunctionArgs) {
  const userId = await context.getUserId()
  const profile = userId ? await getProfile(context.db, { userId }) : null
  return {
    user: userId ? { id: userId, displayName: profile?.displayName ?? 'You' } : null,
  }
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  const data = useRouteLoaderData<typeof loader>('root')
  const user = data?.user ?? null
  return (
    <html lang="en" className="h-full bg-slate-50">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#0f766e" />
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-full flex-col font-sans text-slate-900 antialiased">
        <OfflineProvider userId={user?.id ?? null}>
          <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2">
            Skip to content
          </a>
          <header className="border-b border-slate-200 bg-white">
            <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
              <Link to={user ? '/dashboard' : '/'} className="mr-auto text-lg font-bold text-brand-700">
                Stagecoach
              </Link>
              {user ? (
                <>
                  <HeaderLink to="/dashboard">Dashboard</HeaderLink>
                  <HeaderLink to="/week">Week</HeaderLink>
                  <HeaderLink to="/progress">Progress</HeaderLink>
                  <HeaderLink to="/action-plans">Plans</HeaderLink>
                  <HeaderLink to="/messages">Messages</HeaderLink>
                  <HeaderLink to="/programs">Programs</HeaderLink>
                  <HeaderLink to="/settings">Settings</HeaderLink>
                  <OfflineStatus />
                  <span className="hidden text-sm text-slate-600 sm:inline">{user.displayName}</span>
                  <SignOutForm />
                </>
              ) : (
                <>
                  <HeaderLink to="/login">Sign in</HeaderLink>
                  <Link to="/signup" className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-800">
                    Sign up
                  </Link>
                </>
              )}
            </nav>
          </header>
          <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6 sm:py-10">
            {children}
          </main>
        </OfflineProvider>
        <footer className="border-t border-slate-200 py-4 text-center text-xs text-slate-500">Stagecoach is a coaching tool, not therapy or medical advice.</footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

function HeaderLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <NavLink to={to} className={({ isActive }) => `text-sm font-medium ${isActive ? 'text-brand-700 underline underline-offset-4' : 'text-slate-700 hover:text-slate-900'}`}>
      {children}
    </NavLink>
  )
}

export default function App() {
  useLoaderData<typeof loader>()
  return <Outlet />
}

export const meta: MetaFunction = () => [{ title: 'Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
