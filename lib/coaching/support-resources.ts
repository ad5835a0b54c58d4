/**
 * Where to turn in a crisis, by the person's country (profiles.country, decision 020). A
 * country not listed here, or none chosen, gets the international list. Numbers are the
 * national emergency number, a free crisis line and a domestic-abuse line; each entry was
 * written from the service's own public listing, and a change there must be made here.
 */

export interface SupportResources {
  /** Shown as "in <name>". */
  name: string
  emergency: string
  crisisLine: string
  abuseLine: string
}

export const supportResourcesByCountry: Record<string, SupportResources> = {
  US: {
    name: 'the United States',
    emergency: 'call 911',
    crisisLine: 'call or text 988 (Suicide & Crisis Lifeline), any time',
    abuseLine: 'the National Domestic Violence Hotline: 1-800-799-7233, or text START to 88788',
  },
  CA: {
    name: 'Canada',
    emergency: 'call 911',
    crisisLine: 'call or text 988 (Suicide Crisis Helpline), any time',
    abuseLine: 'a shelter or helpline near you through sheltersafe.ca',
  },
  GB: {
    name: 'the United Kingdom',
    emergency: 'call 999 (or 112)',
    crisisLine: 'call Samaritans on 116 123, free, any time, or text SHOUT to 85258',
    abuseLine: 'the National Domestic Abuse Helpline: 0808 2000 247, free, any time',
  },
  IE: {
    name: 'Ireland',
    emergency: 'call 112 or 999',
    crisisLine: 'call Samaritans on 116 123, free, any time, or text HELLO to 50808',
    abuseLine: 'Women’s Aid: 1800 341 900, free, any time',
  },
  AU: {
    name: 'Australia',
    emergency: 'call 000',
    crisisLine: 'call Lifeline on 13 11 14, any time',
    abuseLine: '1800RESPECT: 1800 737 732, any time',
  },
  NZ: {
    name: 'New Zealand',
    emergency: 'call 111',
    crisisLine: 'call or text 1737 (Need to talk?), free, any time',
    abuseLine: 'Women’s Refuge: 0800 733 843, free, any time',
  },
  DE: {
    name: 'Germany',
    emergency: 'call 112 (police: 110)',
    crisisLine: 'call the TelefonSeelsorge on 0800 111 0 111 or 0800 111 0 222, free, any time',
    abuseLine: 'the Hilfetelefon Gewalt gegen Frauen: 116 016, free, any time',
  },
  FR: {
    name: 'France',
    emergency: 'call 15 (SAMU) or 112',
    crisisLine: 'call 3114, the national suicide prevention line, free, any time',
    abuseLine: '3919 (Violences Femmes Info), free',
  },
  ES: {
    name: 'Spain',
    emergency: 'call 112',
    crisisLine: 'call 024, the suicide prevention line, free, any time',
    abuseLine: '016, free, any time',
  },
  NL: {
    name: 'the Netherlands',
    emergency: 'call 112',
    crisisLine: 'call 113 or 0800 0113 (113 Zelfmoordpreventie), any time',
    abuseLine: 'Veilig Thuis: 0800 2000, free, any time',
  },
}

/** The list for a country not listed, or no country chosen. */
export const internationalResources = {
  emergency: 'call your local emergency number (112 in Europe and many other countries, 911 in the US and Canada, 999 in the UK, 000 in Australia)',
  crisisLines: [
    'In the US and Canada, call or text 988. In the UK and Ireland, call Samaritans on 116 123.',
    'Elsewhere, findahelpline.com lists free, confidential crisis lines in your country.',
  ],
  abuseLine: 'If you are not safe at home, a domestic abuse helpline can help you plan your next step; findahelpline.com lists them too.',
}

const opening = 'Thank you for telling me. What you are going through sounds serious, and it matters more than anything we were working on, so I am pausing the coaching here.'
const closing =
  'I am an AI coaching tool, not a counsellor or a clinician. A doctor, therapist or someone you trust is the right next step. When you are safe and ready, you can choose to carry on with the session.'

/** What the coach says instead of coaching when a crisis is signalled, with resources for the person's country. */
export function supportMessageFor(country: string | null | undefined): string {
  const local = country ? supportResourcesByCountry[country.toUpperCase()] : undefined
  const lines = local
    ? [
        `- If you are in immediate danger or it is a medical emergency, ${local.emergency}.`,
        `- To talk to someone now in ${local.name}, ${local.crisisLine}.`,
        `- If you are not safe at home, ${local.abuseLine}.`,
        '- Anywhere else, findahelpline.com lists free, confidential lines.',
      ]
    : [
        `- If you are in immediate danger or it is a medical emergency, ${internationalResources.emergency}.`,
        ...internationalResources.crisisLines.map((line) => `- ${line}`),
        `- ${internationalResources.abuseLine}`,
      ]
  return [opening, '', 'Please reach out to someone who can help right now:', ...lines, '', closing].join('\n')
}

/** The international message (no country chosen). */
export const supportMessage = supportMessageFor(null)

/** What a coach sees when their own note signals a crisis: the client's resources, and what to do. */
export function coachSupportMessageFor(country: string | null | undefined): string {
  return [
    'This note suggests your client may be at risk, so the coaching is paused. Put the session aside, check that they are safe now, and share these resources with them:',
    '',
    ...supportMessageFor(country).split('\n').slice(2, -2),
    '',
    'When they are safe and ready, you can choose to carry on with the session.',
  ].join('\n')
}
