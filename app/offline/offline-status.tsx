import { describeCounts } from './outbox'
import { useOffline } from './offline-provider'

/** The header's word on the offline outbox: "Offline", and how many entries wait ("2 pending") or failed. */
export function OfflineStatus() {
  const offline = useOffline()
  if (!offline) return null
  const words = describeCounts(offline.counts)
  if (offline.online && !words) return null
  return (
    <span role="status" aria-label="Offline entries" className="rounded-full bg-amber-100 px-2 py-0.5 text-sm text-amber-900">
      {[offline.online ? null : 'Offline', words].filter(Boolean).join(' · ')}
    </span>
  )
}
