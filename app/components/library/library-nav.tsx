import { Link } from '@remix-run/react'

const pages = [
  { key: 'templates', label: 'Templates', path: '' },
  { key: 'modules', label: 'Modules', path: '/modules' },
  { key: 'exercises', label: 'Exercise catalog', path: '/exercises' },
] as const

/** The library's pages, and the way back to the program. */
export function LibraryNav({ programId, current }: { programId: string; current: (typeof pages)[number]['key'] | null }) {
  return (
    <nav aria-label="Library" className="flex flex-wrap gap-3 text-sm">
      {pages.map((page) => (
        <Link
          key={page.key}
          to={`/programs/${programId}/library${page.path}`}
          aria-current={current === page.key ? 'page' : undefined}
          className={current === page.key ? 'font-semibold text-slate-900' : 'text-brand-700 underline'}
        >
          {page.label}
        </Link>
      ))}
      <Link to={`/programs/${programId}`} className="text-brand-700 underline">
        Program and roster
      </Link>
    </nav>
  )
}
