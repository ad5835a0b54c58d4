/**
 * The digest's vocabulary, shared by the job (./email-digest.ts) and the settings page.
 * Pure, so the browser may import it.
 */

/** The hour (in the person's zone, on Monday) from which the week's digest goes out. */
export const digestHour = 7
