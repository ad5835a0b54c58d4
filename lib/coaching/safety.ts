/**
 * Coaching is not therapy. When what someone writes signals a crisis — thoughts of suicide
 * or self-harm, an overdose, abuse, violence, a medical emergency — the coaching flow stops:
 * the app acknowledges, shows support resources for the person's country and does not go
 * on with goals, and no model is asked to improvise a reply. They can carry on once they
 * say they are safe.
 *
 * The rules below are the first layer and always decide a pause on their own (decision 020):
 * they read the words after undoing what hides them (misspellings, missing apostrophes,
 * "kms", stretched letters) and err towards pausing — a false alarm costs one click, a
 * missed signal costs far more. A signal the rules see but that is negated ("I am not
 * suicidal"), resolved in the past ("the chest pain from the workout is gone") or a figure
 * of speech ("I nearly had a heart attack when I saw the bill") is *ambiguous*: it does not
 * pause by itself, and with AI on a model is asked about it (`./safety-check`). The model
 * can only add a pause, never remove one the rules made.
 */

export const crisisCategories = ['suicide', 'self_harm', 'overdose', 'abuse', 'violence', 'medical'] as const
export type CrisisCategory = (typeof crisisCategories)[number]

export interface RiskAssessment {
  /** crisis: pause now; ambiguous: a signal that may be negated, resolved or figurative; none. */
  level: 'crisis' | 'ambiguous' | 'none'
  categories: CrisisCategory[]
  /** Which rules fired (for tests and logs; never shown). */
  reasons: string[]
}

// ─── normalising what people type ────────────────────────────────────────────────────

/** Misspellings and shorthand seen in crisis messages, as whole words. */
const spellings: [RegExp, string][] = [
  [/\b(?:suicde|sucide|suiside|suicid|suacide|suicied|suiced|sewerslide|suicidle|suecide|soocide)\b/g, 'suicide'],
  [/\b(?:suicdal|sucidal|suisidal|suicidel|suicidial|sucicidal|suicidl)\b/g, 'suicidal'],
  [/\bkms\b/g, 'kill myself'],
  [/\bkys\b/g, 'kill yourself'],
  [/\bunalive\s+myself\b/g, 'kill myself'],
  [/\b(?:kil|kll|kiil)\b/g, 'kill'],
  [/\b(?:myslef|mysef|myselfe|meself|mself|my self)\b/g, 'myself'],
  [/\b(?:cuting|cuttin|cuttng|cuttting)\b/g, 'cutting'],
  [/\b(?:od'?d|od'?ed|oded|overdosd)\b/g, 'overdosed'],
  [/\b(?:od|overdoes|overdoze|ovrdose|overdos)\b/g, 'overdose'],
  [/\b(?:pils|pillz|pilss)\b/g, 'pills'],
  [/\b(?:tabletts|tablests)\b/g, 'tablets'],
  [/\b(?:abbused|abussed|abuzed)\b/g, 'abused'],
  [/\b(?:rapped me|rapd)\b/g, 'raped'],
  [/\b(?:wnat|wan|wnt|wana)\b/g, 'want'],
  [/\b(?:wanna|wannna)\b/g, 'want to'],
  [/\b(?:gonna|gona)\b/g, 'going to'],
  [/\b(?:lyfe|lief|lfie)\b/g, 'life'],
  [/\b(?:anymore|any more|no more)\b/g, 'anymore'],
  [/\b(?:breath)\b(?!\s+(?:of|away|after))/g, 'breathe'],
  [/\b(?:hurtin)\b/g, 'hurting'],
  [/\b(?:thretens|threatns|thretens|threatends)\b/g, 'threatens'],
  [/\b(?:evry|evrey)\b/g, 'every'],
  [/\b(?:somtimes|sometims)\b/g, 'sometimes'],
  [/\b(?:al)\b/g, 'all'],
  [/\b(?:hav)\b/g, 'have'],
  [/\bto many\b/g, 'too many'],
  [/\b(want to|going to|wish i could|ready to|just) dye\b(?!\s+(?:my|it|the|her|his|them|your))/g, '$1 die'],
  [/\bto much\b/g, 'too much'],
  [/\b(?:boyfrend|bofriend|boyfreind|bf)\b/g, 'boyfriend'],
  [/\b(?:girlfrend|girlfreind|gf)\b/g, 'girlfriend'],
  [/\b(?:husbnd|husban|hubby)\b/g, 'husband'],
]

/** Longer key words, matched with one typo ("overdoze", "sucidal", "strangeled"). */
const fuzzyWords = ['suicide', 'suicidal', 'overdose', 'overdosed', 'overdosing', 'myself', 'strangled', 'strangling', 'threatens', 'threatened', 'threatening', 'assaulted', 'molested', 'unconscious', 'breathing', 'seizure', 'paracetamol', 'painkillers', 'antidepressants', 'tablets', 'medication']

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true
  if (Math.abs(a.length - b.length) > 1) return false
  // Damerau-Levenshtein distance ≤ 1 (one insertion, deletion, substitution or swap).
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

/** Everyday words one typo away from a key word, left as they are. */
const nearMisses = new Set(['himself', 'herself', 'tables', 'tablet', 'breathed', 'threaten', 'seizures'])

/**
 * A coach's note speaks of the client in the third person ("she says her partner hits her",
 * "he has been cutting himself"): read as the client's own words, objects and possessives
 * become first person. Subjects stay, since "he" may be the one who hurts her.
 */
function asTheClientsWords(text: string): string {
  return text
    .replace(/\b(?:herself|himself|themselves|themself)\b/g, 'myself')
    .replace(/\b(?:his|their)\b/g, 'my')
    .replace(/\bher\b(?=\s+(?:own\s+)?[a-z]+(?:'s)?\b)(?!\s+(?:when|if|and|but|so|because|again|every|all|at|in|on|to|up|down|out|off|that|with|for|after|before|until|or|too|a|an|the)\b)/g, 'my')
    .replace(/\b(?:her|him|them)\b/g, 'me')
    .replace(/\b(?:she|he|they) (?:says|said|told me|tells me|mentioned|shared|admits|admitted|thinks|feels)(?: that)? (?:she|he|they)\b/g, 'i')
    .replace(/\b(?:she|he|they) (?:wants|wishes|is|was|has|does not|keeps|took|takes|can not|feels)\b/g, (match) => match.replace(/^(?:she|he|they)/, 'i').replace(/ wants$/, ' want').replace(/ wishes$/, ' wish').replace(/ is$/, ' am').replace(/ has$/, ' have').replace(/ does not$/, ' do not').replace(/ keeps$/, ' keep').replace(/ takes$/, ' take').replace(/ feels$/, ' feel'))
}

/** The text as the rules read it: lower case, plain apostrophes, words spelled out; a coach's note as the client's words. */
export function normaliseForSafety(text: string, { about = 'self' }: { about?: 'self' | 'client' } = {}): string {
  let out = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/\s+/g, ' ')
  out = out
    .replace(/\b(?:can'?t|cannot|can not|cant)\b/g, 'can not')
    .replace(/\b(?:couldn'?t|could not|couldnt)\b/g, 'could not')
    .replace(/\b(?:don'?t|dont|do not)\b/g, 'do not')
    .replace(/\b(?:doesn'?t|doesnt)\b/g, 'does not')
    .replace(/\b(?:didn'?t|didnt)\b/g, 'did not')
    .replace(/\b(?:won'?t|wont)\b/g, 'will not')
    .replace(/\b(?:wouldn'?t|wouldnt)\b/g, 'would not')
    .replace(/\b(?:isn'?t|isnt)\b/g, 'is not')
    .replace(/\b(?:wasn'?t|wasnt)\b/g, 'was not')
    .replace(/\b(?:aren'?t|arent)\b/g, 'are not')
    .replace(/\b(?:haven'?t|havent)\b/g, 'have not')
    .replace(/\b(?:hasn'?t|hasnt)\b/g, 'has not')
    .replace(/\b(?:i'?m|im)\b/g, 'i am')
    .replace(/\b(?:i'?ve|ive)\b/g, 'i have')
    .replace(/\bi'd\b/g, 'i would')
    .replace(/\b(he|she|they|you|we)'ll\b/g, '$1 will')
    .replace(/\b(he|she|they|you|we)'d\b/g, '$1 would')
    .replace(/\b(?:i'll)\b/g, 'i will')
    .replace(/\b(?:u)\b/g, 'you')
  for (const [pattern, replacement] of spellings) out = out.replace(pattern, replacement)
  if (about === 'client') out = asTheClientsWords(out)
  out = out.replace(/\b[a-z]{6,}\b/g, (word) => {
    if (nearMisses.has(word) || fuzzyWords.includes(word)) return word
    return fuzzyWords.find((key) => withinOneEdit(word, key)) ?? word
  })
  return out
}

// ─── the rules ───────────────────────────────────────────────────────────────────────

interface Rule {
  id: string
  category: CrisisCategory
  pattern: RegExp
  /** A "not", "never", "no longer" just before it turns the signal around ("I am not suicidal"). */
  negatable?: boolean
  /** A past episode the person says is over can make it ambiguous ("years ago … I am fine now"). */
  resolvable?: boolean
}

const me = '(?:me|my family|my kids|my children|us)'
const person = "(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|bf|gf|dad|father|mum|mom|mother|stepdad|stepfather|stepmum|stepmom|brother|sister|uncle|aunt|ex|boss|manager|flatmate|roommate|son|daughter|carer|fiance|fiancee|landlord|coach|teacher|cousin|grandad|grandfather|neighbour|neighbor)|someone|somebody|a man|a guy|a woman|him|her)"
const pills = '(?:pills|tablets|meds|medication|medicine|paracetamol|tylenol|acetaminophen|ibuprofen|aspirin|painkillers|sleeping pills|antidepressants|insulin|xanax|valium|oxy|opioids|capsules|benzos)'
const partnerish = '(?:partner|husband|wife|boyfriend|girlfriend|dad|father|mum|mom|mother|stepdad|stepfather|stepmum|stepmom|stepmother|ex|brother|sister|uncle|aunt|family|son|daughter|carer)'
const relations = '(?:boss|colleague|manager|partner|husband|wife|ex|neighbour|neighbor|dad|father|stepdad|stepfather|stepmum|stepmom|stepmother|mother|mum|mom|brother|sister|son|daughter|teacher|coworker|co-worker|uncle|aunt|cousin|flatmate|roommate|landlord|boyfriend|girlfriend|classmate|friend|team ?mate)'

const rules: Rule[] = [
  // suicide — direct
  { id: 'kill-myself', category: 'suicide', pattern: /\b(?:kill|killing|killed|end|ending|take|taking|took)\s+(?:my\s*self|my own life|my life)\b/, negatable: true, resolvable: true },
  { id: 'suicide-word', category: 'suicide', pattern: /\bsuicid(?:e|al|ality)\b|\bsuicide attempt\b/, negatable: true, resolvable: true },
  { id: 'want-to-die', category: 'suicide', pattern: /\b(?:wants?|wanted|wanting|going|plan|planning|ready|wish|wishing|tempted|trying|need|decided|rather)\s+(?:to\s+)?(?:die|be dead|not exist|not be alive|stop existing|disappear forever|end it all|end it|end everything|end things|unalive|not wake up)\b/, negatable: true, resolvable: true },
  { id: 'just-end-it', category: 'suicide', pattern: /\b(?:should|could|might|going to|want to|will|wanna|to) (?:just )?end it\b(?!\s+(?:with|early|there|here|now,? (?:the|this)|off|on a|between))/, negatable: true, resolvable: true },
  { id: 'end-it-all', category: 'suicide', pattern: /\b(?:end(?:ing)?|finish(?:ing)?)\s+it\s+all\b|\bend my (?:life|suffering|pain for good)\b/, negatable: true, resolvable: true },
  { id: 'plan-to-end', category: 'suicide', pattern: /\b(?:plan|planned|planning|decided|a date|picked a day|chosen a day)\b.{0,40}\b(?:end (?:it|my life|things|everything)|kill myself|die|suicide|not be here)\b/, negatable: true },
  { id: 'better-off', category: 'suicide', pattern: /\b(?:better off|be better|happier|easier for everyone)\s+(?:dead|without me|if i (?:was|were) (?:gone|dead|not here|not around))\b|\bbetter off if i (?:was|were) (?:gone|dead)\b/, negatable: true },
  { id: 'no-reason-to-live', category: 'suicide', pattern: /\bno (?:reason|point) (?:to|in|for) (?:live|living|go on|going on|being alive|be alive|wake up|waking up|being here|keep going|carry on|carrying on)\b|\b(?:what is|whats|what's) the point of (?:living|being alive|life|going on|anything anymore|waking up)\b/, negatable: true },
  { id: 'do-not-want-to-live', category: 'suicide', pattern: /\b(?:do not|never|no longer)\s+want\s+to\s+(?:live|be alive|wake up|be here anymore|exist|be around|go on)\b/ },
  { id: 'wish-dead', category: 'suicide', pattern: /\bwish (?:i (?:was|were|had) (?:dead|never been born|not alive|not here|gone|never existed))\b|\b(?:sleep|fall asleep|go to sleep) and (?:never|not) wake up\b/ },
  { id: 'can-not-go-on', category: 'suicide', pattern: /\b(?:can not|could not|unable to)\s+(?:go on|keep going|carry on|do this|take (?:it|this|any of it)|cope|handle (?:it|this|life)|live like this|bear it|keep living)(?! (?:with|to|until|till|a |an |the |holiday|vacation|on|without a|without the))(?:\s+(?:anymore|much longer|like this))?\b/ },
  { id: 'goodbye-letters', category: 'suicide', pattern: /\b(?:goodbye|suicide|farewell)\s+(?:letters?|notes?|messages?|videos?)\b|\bsaid (?:my )?goodbyes? to everyone\b|\bsaying (?:my )?goodbyes? to (?:people|everyone|everybody|my (?:family|friends|kids))\b/ },
  { id: 'giving-away', category: 'suicide', pattern: /\bgiv(?:e|ing|en) away (?:all )?(?:of )?my (?:things|stuff|belongings|possessions|pets?)\b/ },
  { id: 'means', category: 'suicide', pattern: /\b(?:bought|got|have|tied|made)\s+(?:a\s+)?(?:rope|noose)\b|\bhang(?:ing)?\s+myself\b|\bjump(?:ing)?\s+(?:off|from|in front of)\s+(?:a|the|this)\s+(?:bridge|building|roof|cliff|train|tower|balcony|car park|ledge)\b|\b(?:standing|sitting) on the (?:bridge|edge|roof|ledge|tracks)\b|\b(?:step|stepping|walk|walking)\s+in front of (?:a|the) (?:train|bus|car|lorry|truck)\b/ },
  { id: 'looking-up-ways', category: 'suicide', pattern: /\b(?:looking up|looked up|searching|searched|researching|researched|googling|googled|reading about)\s+(?:ways|how|methods?)\s+to\s+(?:die|kill myself|end it|end my life|overdose|do it painlessly)\b|\b(?:painless|quickest|easiest) way to (?:die|go)\b/ },
  { id: 'burden', category: 'suicide', pattern: /\bi am (?:just )?a burden\b|\b(?:a|such a) burden (?:to|on) (?:everyone|my family|everybody|the people i love|them)\b/, negatable: true },
  { id: 'all-to-stop', category: 'suicide', pattern: /\bwant (?:it|this|everything|the pain) (?:all )?to (?:stop|end) (?:forever|for good|permanently)\b|\bjust want (?:it|everything) (?:all )?to (?:stop|end)\b/ },
  { id: 'no-way-out', category: 'suicide', pattern: /\bno way out(?! of (?:this|the|my) (?:contract|deal|meeting|job|lease|project|subscription))\b|\btrapped and (?:hopeless|there is no way out)\b/ },
  { id: 'not-be-here', category: 'suicide', pattern: /\b(?:will not|may not|might not|wont) be (?:here|around) (?:much longer|for long|anymore|tomorrow|next week)\b|\b(?:do not|never) want to be here anymore\b|\bdisappear forever\b|\b(?:do not think|not sure|doubt) i will (?:be here|be around|still be (?:here|alive|around)|make it) (?:for|by|next|much|to|tomorrow|anymore)\b|\b(?:thinking|thought|think) about how (?:i would|i will|i could|i might|to) do it\b/ },
  { id: 'tell-me-to', category: 'suicide', pattern: /\bkill yourself\b|\btold me to (?:die|kill myself)\b/ },

  // self-harm
  { id: 'self-harm-word', category: 'self_harm', pattern: /\bself[- ]?(?:harm\w*|injur\w*|mutilat\w*)\b|\bsh relapse\b/, negatable: true, resolvable: true },
  { id: 'harm-myself', category: 'self_harm', pattern: /\b(?:cut|cutting|cuts|burn|burning|burned|burnt|hit|hitting|punch|punching|harm|harming|hurt|hurting|punish|punishing|starve|starving|scratch|scratching|bite|biting)\s+myself\b(?!\s+(?:shaving|cooking|chopping|gardening|on (?:a|the)|by accident|accidentally|at the gym|lifting|training|playing|running|skiing|slightly|a bit|doing))/, negatable: true, resolvable: true },
  { id: 'cutting-again', category: 'self_harm', pattern: /\b(?:been|started|start|back to|relapsed(?: into| on)?|keep|kept|still|urge to|urges to|thinking about|want to)\s+(?:cutting|burning|hurting|harming)(?:\s+myself)?(?!\s+(?:back|down|out|costs?|carbs|sugar|corners|the|my hours|hair|grass|it|weight|calories|ties|meetings|expenses|budget|alcohol|caffeine|coffee|screen|wood|a |an |some|people|them|him|her|others|my (?:hours|budget|spending|screen|work|losses|hair)))\b/, negatable: true, resolvable: true },
  { id: 'urge-to-cut', category: 'self_harm', pattern: /\b(?:urge|urges|want|wanted|tempted|need|needed|itch)\s+to\s+(?:cut|burn|hurt|harm|scratch)\s+(?:myself|again|my (?:arms?|wrists?|legs?|skin))\b/, negatable: true, resolvable: true },
  { id: 'marks', category: 'self_harm', pattern: /\b(?:cuts|scars|burns|marks|wounds)\s+on\s+my\s+(?:arms?|wrists?|thighs?|legs?|stomach|skin)\b.{0,40}\b(?:deeper|again|new|fresh|hide|hiding|worse|more)\b/, resolvable: true },
  { id: 'hiding-marks', category: 'self_harm', pattern: /\b(?:long sleeves|hide|hiding|cover|covering|nobody sees|no one sees)\b.{0,50}\b(?:what i do to (?:my|myself)|my (?:cuts|scars|burns)|the (?:cuts|scars|marks) on my)\b/ },
  { id: 'wrists', category: 'self_harm', pattern: /\b(?:cut|cutting|slit|slitting|slash|slashing|carve|carving)\s+(?:into\s+)?(?:my )?(?:wrists?|arms?|thighs?|legs?|skin)\b(?!\s+(?:on (?:a|the)|shaving|by accident|accidentally|while|when i fell))/, negatable: true, resolvable: true },
  { id: 'until-bleed', category: 'self_harm', pattern: /\buntil (?:i|it|they) (?:bleed|bled|bleeds)\b|\b(?:razor|blade)s?\b.{0,30}\b(?:myself|my (?:arms?|wrists?|legs?|skin))\b/, resolvable: true },

  // overdose
  { id: 'overdose-word', category: 'overdose', pattern: /\boverdos(?:e|ed|ing)\b/, negatable: true, resolvable: true },
  { id: 'too-many-pills', category: 'overdose', pattern: new RegExp(`\\b(?:took|taken|take|taking|swallowed|swallow|swallowing|had|downed|popped|ate)\\s+(?:too many|too much|all (?:of )?my|all the|(?:a|the|my) (?:whole|full|entire) (?:bottle|packet|box|pack|strip|blister pack|tub) of|a bottle of|a handful of|handful of|loads of|lots of|a lot of|way too many|double my|triple my|\\d{2,}|twenty|thirty|forty|fifty)\\s*(?:of\\s+)?(?:my\\s+)?(?:${pills}|of them)\\b`), negatable: true, resolvable: true },
  { id: 'pills-too-many', category: 'overdose', pattern: new RegExp(`\\b(?:too many|too much|a whole (?:bottle|packet|box) of|a handful of)\\s+(?:my\\s+)?${pills}\\b|\\b${pills}\\s+(?:with|and)\\s+(?:alcohol|vodka|wine|booze|whisky|whiskey|gin|drink|beer)\\b.{0,30}\\b(?:stop|end|sleep forever|not wake|make it)\\b|\\bmix(?:ing|ed)?\\s+(?:my\\s+)?${pills}\\s+with\\s+(?:alcohol|vodka|wine|booze|drink|whisky|whiskey)\\b`), negatable: true, resolvable: true },
  { id: 'pills-to-end', category: 'overdose', pattern: new RegExp(`(?=.*\\b${pills}\\b)(?=.*\\b(?:sleep forever|never wake(?: up)?|not wake up|make (?:it|this|everything|the pain) (?:all )?stop|end it|to die|be done with it|when i am ready|for when i need them|just in case i decide)\\b)`), negatable: true },
  { id: 'stockpile', category: 'overdose', pattern: new RegExp(`\\b(?:stockpil\\w*|saving up|hoarding|collecting|stashing|stashed|saved up)\\s+(?:all\\s+)?(?:of\\s+)?(?:my\\s+)?${pills}\\b`), negatable: true },
  { id: 'took-someone-elses', category: 'overdose', pattern: new RegExp(`\\b(?:took|taken|swallowed|downed|popped)\\s+(?:a bunch of|a load of|some of|all of|the rest of|half of)\\s+(?:\\w+'s\\s+|my \\w+'s\\s+|my\\s+)?${pills}\\b`), negatable: true, resolvable: true },
  { id: 'poison', category: 'overdose', pattern: /\b(?:drank|drink|drinking|swallowed)\s+(?:some\s+)?(?:bleach|poison|antifreeze|weed killer)\b/ },

  // abuse
  { id: 'sexual-violence', category: 'abuse', pattern: /\b(?:raped|rape|raping|sexually (?:assaulted|abused|attacked|harassed)|sexual (?:assault|abuse)|molested|molesting|groped|forced me to have sex|forced (?:me )?into (?:sex|sexual)|made me have sex|without my consent|non-?consensual|forced himself on me|forced herself on me)\b/ },
  { id: 'hits-me', category: 'abuse', pattern: new RegExp(`\\b${person}\\s+(?:\\w+\\s+)?(?:hits|hit|beats|beat|punches|punched|kicks|kicked|slaps|slapped|chokes|choked|strangles|strangled|abuses|abused|threatens|threatened|rapes|raped|shoves|shoved|burns|burned|locks|locked|chokes|bites|bit|spits on|stalks|stalked|touches|touched|grabbed|grabs|hurts)\\s+${me}\\b(?!(?<=\\bhits? me)\\s+up\\b)(?!\\s+(?:off|on the shoulder|with (?:a|the) ball|by accident|accidentally|in (?:the )?(?:match|game|training|practice|sparring)))`), negatable: true, resolvable: true },
  { id: 'threatens-me', category: 'abuse', pattern: new RegExp(`\\b${person}\\s+(?:\\w+\\s+)?(?:threatens|threatened|threatening|says (?:he|she|they) will|said (?:he|she|they) would|said (?:he|she|they) will|swore (?:he|she|they) would)\\s+(?:to\\s+)?(?:kill|hurt|beat|stab|shoot|take the kids from)\\s+${me}\\b`), negatable: true },
  { id: 'will-kill-me', category: 'abuse', pattern: new RegExp(`\\b${person}\\s+(?:\\w+\\s+)?(?:is going to|will|would|wants to)\\s+kill\\s+${me}\\b(?!\\s+(?:if|when|for|because|once)\\b)`), negatable: true },
  { id: 'will-hurt-me', category: 'abuse', pattern: new RegExp(`\\b${person}\\s+(?:\\w+\\s+)?(?:is going to|will|would|wants to|says (?:he|she|they) will|says (?:he|she|they) would)\\s+(?:hurt|beat|stab|shoot|strangle|choke)\\s+${me}\\b`), negatable: true },
  { id: 'afraid-of-them', category: 'abuse', pattern: new RegExp(`\\b(?:afraid|scared|terrified|frightened)\\s+(?:of|to be around)\\s+(?:him|her|them|my ${partnerish})\\b|\\b(?:afraid|scared|terrified|frightened)\\s+to\\s+(?:go|be)\\s+(?:back\\s+)?home\\b|\\b(?:do not|never) feel safe (?:at home|with (?:him|her|them|my ${partnerish}))\\b|\\b(?:not|un)\\s*safe (?:at home|in my (?:own )?home)\\b`), negatable: true },
  { id: 'scared-at-home', category: 'abuse', pattern: /\b(?:at home|in the house)\b.{0,40}\b(?:i am|i feel|i get|and i am) (?:scared|terrified|afraid|frightened)\b|\b(?:scared|terrified|afraid) (?:at|of being at) home\b/ },
  { id: 'abuse-word', category: 'abuse', pattern: new RegExp(`\\b(?:domestic (?:abuse|violence)|abusive (?:relationship|partner|husband|wife|boyfriend|girlfriend|home|parent|father|mother|dad|mum|mom|marriage)|(?:being|been|am|was|get|getting|got) (?:abused|beaten up|beaten|trafficked|stalked|groomed)|(?:he|she|they) (?:is|are) abusive)\\b`), negatable: true, resolvable: true },
  { id: 'fear-of-partner', category: 'abuse', pattern: new RegExp(`\\b(?:flinch|flinching|cower|cowering)\\b.{0,60}\\b(?:${partnerish}|he|she|they)\\b|\\bbecause of what (?:happens|he does|she does|they do) (?:after|next|when|if)\\b|\\b(?:afraid|scared|terrified) of what (?:he|she|they) (?:will|might|would) do\\b|\\bwalk(?:ing)? on eggshells (?:at home|around my ${partnerish}|around (?:him|her))\\b`), negatable: true },
  { id: 'coercive-control', category: 'abuse', pattern: /\b(?:will not|does not|do not|never|would not) let me (?:leave|see (?:my )?(?:friends|family|mum|mom|parents)|go out|have (?:my own )?money|out of (?:the|his|her) (?:house|sight)|talk to anyone|use my phone|work)\b|\b(?:takes|took|controls|keeps|hides) (?:all )?my (?:money|phone|passport|bank ?card|keys|wages)\b(?!\s+(?:safe|for me when i ask))/, negatable: true },

  // violence (to or from others)
  { id: 'stab-someone', category: 'violence', pattern: new RegExp(`\\b(?:want|going|plan|planning|about|ready|tempted|urge|urges)\\s+to\\s+(?:hurt|stab|shoot|attack|strangle|beat up|seriously hurt|poison)\\s+(?:him|her|them|someone|somebody|people|everyone|a person|my (?:\\w+ ){0,2}${relations})\\b`), negatable: true },
  { id: 'hurt-someone', category: 'violence', pattern: new RegExp(`\\b(?:want|going|plan|planning|about|ready|tempted|urge|urges)\\s+to\\s+(?:kill|murder)\\s+(?:him|her|them|someone|somebody|people|everyone|a person|my (?:\\w+ ){0,2}${relations})\\b(?!\\s+(?:if|when|for) )(?!.*\\b(?:lol|haha|jk|joking)\\b)`) },
  { id: 'weapon', category: 'violence', pattern: /\b(?:have|got|bought|carry|carrying|took|brought|hid|hiding)\s+(?:a|my|his|her|the)\s+(?:gun|knife|weapon|firearm|pistol|rifle|blade)\b.{0,50}\b(?:use it|hurt|kill|shoot|stab|school|work|him|her|them|tonight|going to)\b/ },
  { id: 'life-in-danger', category: 'violence', pattern: /\b(?:scared|afraid|fear|fearing|terrified) for my (?:life|safety)\b|\bmy life is in danger\b|\b(?:someone|a man|a guy|he|she|they|my ex|my (?:ex-)?(?:partner|husband|wife|boyfriend|girlfriend)) (?:is|are|keeps|has been|have been|started|keep) (?:following|stalking) me\b|\b(?:someone|a man|a guy|somebody) (?:is )?(?:breaking|broke|trying to break) into (?:my|the) (?:house|home|flat|apartment)\b|\b(?:he|she|they|someone) (?:has|have|had|pulled) a (?:knife|gun)\b/ },
  { id: 'armed-person', category: 'violence', pattern: /\b(?:someone|a man|a guy|a woman|somebody|people|he|she|they|there is a man|there is someone)\b.{0,30}\bwith a (?:knife|gun|weapon|machete|bat|blade)\b/ },
  { id: 'being-attacked', category: 'violence', pattern: /\b(?:i was|i got|i have been|i am being|just got|was just)\s+(?:attacked|stabbed|shot|mugged|assaulted|jumped|beaten up)\b/, resolvable: true },

  // medical emergency
  { id: 'chest-pain', category: 'medical', pattern: /\b(?:chest pains?|crushing (?:pain in my )?chest|pain in my chest|(?:tightness|pressure) in my chest|chest (?:is |feels )?(?:tight|hurts|hurting|heavy))\b/, negatable: true, resolvable: true },
  { id: 'can-not-breathe', category: 'medical', pattern: /\b(?:can not|could not|can barely|can hardly|struggling to|hard to|trouble|unable to|he can not|she can not|he is not|she is not|not)\s+(?:breathe|breathing|catch my breathe)\b(?!\s+(?:with|under|because of) (?:all )?(?:this|the|my) (?:work|workload|deadlines?|pressure|noise|meetings|boss|job|schedule))(?!\s+(?:from|for) (?:laughing|laughter))/, negatable: true, resolvable: true },
  { id: 'emergency-signs', category: 'medical', pattern: /\b(?:having a heart attack|had a heart attack|think (?:i am|he is|she is|it is) (?:having )?a heart attack|having a stroke|had a stroke|think (?:i am|he is|she is) having a stroke|stroke symptoms|face (?:is )?drooping|slurred speech|having a seizure|had a seizure|seizures? (?:now|again|right now)|is fitting|convulsing|(?:is|was|went|has gone|found (?:him|her|them)) unconscious|not breathing|stopped breathing|unresponsive|anaphyla\w*|throat (?:is )?(?:swelling|closing)|lips (?:are |went |turning )?(?:swelling|blue)|coughing (?:up )?blood|vomiting blood|throwing up blood|bleeding (?:heavily|a lot|badly|everywhere|will not stop|wont stop)|can not stop (?:the )?bleeding|severe (?:allergic reaction|bleeding|burns?)|(?:left )?arm (?:is |went |has gone )?numb|numb(?:ness)? (?:in|down) my (?:left )?(?:arm|face|side)|need an ambulance|can not feel (?:the )?(?:left |right )?(?:side of my (?:face|body)|my (?:left |right )?(?:arm|leg|face|side|legs))|(?:fainted|collapsed|passed out|fell)\s+and\s+(?:will not|can not|is not|does not|has not|did not)\s+(?:wake|wake up|breathe|respond|move|get up)|(?:he|she|they|my \w+) (?:will not|can not|is not|does not) (?:wake up|respond|responding)|(?:having|had|in) (?:an |a severe )?allergic reaction|throat (?:feels |is |getting )?(?:tight|closing|swelling|swollen)|call(?:ed|ing)? (?:an )?ambulance|call(?:ed|ing)? (?:911|999|112|000)|passed out and (?:hit|can not|will not)|hit my head and (?:am|i am|keep|i keep|have been|i have been|now i am) (?:vomiting|throwing up|confused|dizzy|seeing double))\b/, negatable: true, resolvable: true },
]

/** Words before a signal that turn it around: "I am not suicidal", "I would never hurt myself". */
const negationBefore = /\b(?:not|never|no|nobody|nothing|without|no longer|do not|did not|does not|am not|is not|was not|are not|have not|has not|would not|will not|could not|can not|not feeling|no thoughts? of|zero)\b(?:\s+\S+){0,4}\s*$/
/** A past episode the person says is over. */
const pastMarker = /\b(?:years? ago|months ago|a long time ago|long ago|a while ago|last (?:year|summer|winter|spring|autumn)|in the past|used to|back in (?:19|20)\d\d|back then|when i was (?:younger|a (?:teen|teenager|kid|child|student)|at (?:school|uni|university|college))|as a (?:teen|teenager|kid|child)|once,|once before|in (?:19|20)\d\d)\b/
const recovered = /\b(?:now i am|i am (?:fine|okay|ok|good|better|well|safe|doing (?:well|great|good|better|fine|okay)|in a (?:good|better|great) place|recovered|clean|sober|happy|stable|over it)|(?:have|has) been (?:clean|sober|fine|well|safe|okay|ok|stable|good)|no longer|not anymore|since then|these days i|(?:is|are|has|have|was) (?:all )?(?:gone|over|passed|settled|cleared|resolved|fine now|better now)|went away|all good now|fully recovered|(?:have|has) not (?:since|in years|for years|happened since)|proud of how far|doctor (?:said|says|checked|cleared)|checked (?:it )?out|all clear|nothing serious|turned out (?:to be )?(?:nothing|fine|muscular|a pulled muscle)|just a pulled muscle|muscle strain|(?:it )?was (?:just )?(?:muscular|a strain|a pulled muscle)|fine now|better now|okay now|safe now)\b/
/** Ways of speaking that use crisis words for everyday things. */
const figures = /\b(?:nearly|almost|practically|basically|about to) (?:had|have|having|died|die|gave me) (?:a )?(?:heart attack|stroke|seizure)\b|\bgave me (?:a )?(?:heart attack|stroke)\b|\bdie (?:of|from) (?:embarrassment|shame|laughter|laughing|boredom|cringe|happiness|joy)\b|\bdying (?:to|of laughter)\b|\bto die for\b|\bdied laughing\b|\b(?:laughed|laughing|laugh) so (?:hard|much)\b|\b(?:killing|kill) (?:it|time)\b|\bwould kill for\b|\bbored to death\b|\bscared to death\b|\b(?:kill|killing|kills) me (?:if|when)\b|\bgoing to kill me (?:if|when)\b|\b(?:lol|haha|jk|joking)\b/

function clauseBefore(text: string, index: number): string {
  const before = text.slice(0, index)
  const cut = Math.max(before.lastIndexOf('.'), before.lastIndexOf('!'), before.lastIndexOf('?'), before.lastIndexOf(';'), before.lastIndexOf(' but '), before.lastIndexOf(','))
  return cut >= 0 ? before.slice(cut + 1) : before
}

/**
 * How much what someone wrote signals a crisis, by the rules: `crisis` pauses; `ambiguous`
 * is a signal that the words turn around (negated, over, a figure of speech) — it does not
 * pause by itself, and with AI on a model is asked.
 */
export function assessRisk(text: string, options: { about?: 'self' | 'client' } = {}): RiskAssessment {
  const normalised = normaliseForSafety(text, options)
  const fired: { rule: Rule; clear: boolean }[] = []
  const figurative = figures.test(normalised)
  const isPastAndOver = pastMarker.test(normalised) && recovered.test(normalised)
  for (const rule of rules) {
    const pattern = new RegExp(rule.pattern.source, 'g')
    for (const match of normalised.matchAll(pattern)) {
      let clear = true
      if (rule.negatable && negationBefore.test(clauseBefore(normalised, match.index))) clear = false
      if (rule.resolvable && (isPastAndOver || (rule.category === 'medical' && recovered.test(normalised)))) clear = false
      if (figurative && rule.category !== 'abuse') clear = false
      fired.push({ rule, clear })
    }
  }
  if (fired.length === 0) return { level: 'none', categories: [], reasons: [] }
  const clear = fired.filter((f) => f.clear)
  const chosen = clear.length > 0 ? clear : fired
  return {
    level: clear.length > 0 ? 'crisis' : 'ambiguous',
    categories: [...new Set(chosen.map((f) => f.rule.category))],
    reasons: [...new Set(chosen.map((f) => f.rule.id))],
  }
}

/** Whether the rules alone pause the coaching. */
export function signalsCrisis(text: string, options: { about?: 'self' | 'client' } = {}): boolean {
  return assessRisk(text, options).level === 'crisis'
}
