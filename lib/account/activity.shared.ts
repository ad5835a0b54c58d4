/**
 * The audit log's actions in words, for "your account activity" on the settings page and
 * the export's readable page. Pure, so the browser may import it.
 */
export const activityLabels: Record<string, string> = {
  login: 'Signed in',
  logout: 'Signed out',
  register: 'Created the account',
  login_failed: 'A sign-in failed',
  password_changed: 'Changed the password',
  password_reset: 'Reset the password',
  data_export: 'Downloaded their data',
  account_deleted: 'An account was deleted',
  'session.created': 'Started a session',
  'session.completed': 'Completed a session',
  'session.cancelled': 'Cancelled a session',
  'session.shared': 'Shared a session with a coach',
  'session.unshared': 'Made a session private again',
  'session.released': 'Released a coach-led session',
  'session.deleted': 'Deleted a session',
  'template.assigned': 'Assigned a session from a template',
  'action_plan.created': 'Created an action plan',
  'action_plan.status_changed': 'Changed an action plan’s status',
  'action_plan.updated': 'Edited an action plan',
  'action_plan.deleted': 'Deleted an action plan',
  'milestone.created': 'Added a milestone',
  'milestone.completed': 'Completed a milestone',
  'milestone.reopened': 'Reopened a milestone',
  'milestone.updated': 'Edited a milestone',
  'milestone.deleted': 'Deleted a milestone',
}

export function activityLabel(action: string): string {
  return activityLabels[action] ?? action
}
