/**
 * Coaching is not therapy. When what a client writes signals a crisis — thoughts of
 * suicide or self-harm, abuse, a medical emergency — the coaching flow stops: the app
 * acknowledges, shows support resources and does not go on with goals, and no model is
 * asked to improvise a reply. The client can carry on once they say they are safe.
 *
 * Detection is deliberately simple and errs towards pausing: a false alarm costs one
 * click, a missed signal costs far more.
 */
const crisisPatterns: RegExp[] = [
  /\b(kill|killing|hurt|hurting|harm|harming|cut|cutting)\s+myself\b/i,
  /\bself[-\s]?harm/i,
  /\bsuicid/i,
  /\b(end|ending|take|taking)\s+(my|my own)\s+life\b/i,
  /\b(want|wanna|going|plan|planning)\s+to\s+die\b/i,
  /\bbetter off dead\b/i,
  /\bno reason to (live|go on)\b/i,
  /\b(don'?t|do not) want to (live|be alive|wake up)\b/i,
  /\boverdos/i,
  /\b(he|she|they|partner|husband|wife|boyfriend|girlfriend)\s+(hits|hit|beats|beat|chokes|choked|abuses|abused)\s+me\b/i,
  /\b(being|been|am)\s+(abused|assaulted|raped)\b/i,
  /\b(chest pain|can'?t breathe|cannot breathe|having a stroke|heart attack)\b/i,
]

export function signalsCrisis(text: string): boolean {
  return crisisPatterns.some((pattern) => pattern.test(text))
}

/** What the coach says instead of coaching when a crisis is signalled. */
export const supportMessage = [
  'Thank you for telling me. What you are going through sounds serious, and it matters more than anything we were working on, so I am pausing the coaching here.',
  '',
  'Please reach out to someone who can help right now:',
  '- If you are in immediate danger or it is a medical emergency, call your local emergency number (112 in Europe, 911 in the US and Canada, 999 in the UK).',
  '- In the US, call or text 988 (Suicide & Crisis Lifeline). In the UK and Ireland, call Samaritans on 116 123. Elsewhere, findahelpline.com lists free, confidential lines in your country.',
  '- If you are not safe at home, a domestic abuse helpline can help you plan your next step.',
  '',
  'I am an AI coaching tool, not a counsellor or a clinician. A doctor, therapist or someone you trust is the right next step. When you are safe and ready, you can choose to carry on with the session.',
].join('\n')
