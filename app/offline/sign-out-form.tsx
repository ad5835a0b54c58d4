import { useSubmit } from '@remix-run/react'
import { useState, type FormEvent } from 'react'
import { useOffline } from './offline-provider'

/**
 * Sign out. The person's offline entries and kept pages are cleared from the device first,
 * so the next person on it sees none of them; entries not yet synced are named first, and
 * signing out anyway discards them (decision 030).
 */
export function SignOutForm() {
  const offline = useOffline()
  const submit = useSubmit()
  const [warning, setWarning] = useState(false)

  async function signOut(form: HTMLFormElement) {
    await offline?.forgetEverything()
    submit(form, { method: 'post', action: '/logout' })
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    if (!offline) return
    event.preventDefault()
    if (offline.unsynced > 0 && !warning) return setWarning(true)
    void signOut(event.currentTarget)
  }

  return (
    <form method="post" action="/logout" onSubmit={onSubmit} className="flex flex-wrap items-center gap-2">
      {warning ? (
        <span role="alert" className="text-sm text-red-800">
          {offline?.unsynced === 1 ? '1 entry recorded offline has' : `${offline?.unsynced} entries recorded offline have`} not synced: signing out discards{' '}
          {offline?.unsynced === 1 ? 'it' : 'them'}.{' '}
          <button type="button" className="underline" onClick={() => setWarning(false)}>
            Stay signed in
          </button>
        </span>
      ) : null}
      <button type="submit" className="text-sm font-medium text-slate-700 underline-offset-2 hover:underline">
        {warning ? 'Sign out anyway' : 'Sign out'}
      </button>
    </form>
  )
}
