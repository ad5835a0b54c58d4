/**
 * The eval suite's scorers, on inputs small enough to score by hand: if a scorer breaks,
 * these numbers move and the test fails (decision 021).
 */
import { describe, expect, it } from 'vitest'
import { emptyFields, type StageFields } from '../coaching/stages.shared'
import { messagesFromLines } from './golden'
import { overallCounts, pairItems, rates, scoreExtraction, sumFieldCounts } from './extraction-score'
import { checkPlans, claimsOf, evidenceFrom, summaryClaims } from './faithfulness'
import { scoreSafety } from './safety-score'
import { asksForAdvice, givesAdvice, replyStance, sentencesOf, stageDone, stanceTotals } from './stance'
import { contentTokens, normaliseText, normalisedMatch, tokenF1 } from './text-match'

describe('normalised text match', () => {
  it('lower-cases, strips accents, quotes and punctuation', () => {
    expect(normaliseText('  Café — “Done”, I’m  FINE! ')).toBe('cafe done i m fine')
    expect(contentTokens('The mortgage, and honestly my fears')).toEqual(['mortgage', 'fear'])
  })

  it('scores the F1 of content words', () => {
    expect(tokenF1('tax season at work', 'Tax season at work!')).toBe(1)
    // [mortgage] against [mortgage, payment]: precision 1, recall 1/2, F1 2/3.
    expect(tokenF1('the mortgage', 'mortgage payments')).toBeCloseTo(2 / 3, 10)
    expect(tokenF1('no portfolio', 'the mortgage')).toBe(0)
    // Nothing but function words: equal when they normalise alike.
    expect(tokenF1('Yes!', 'yes')).toBe(1)
    expect(normalisedMatch('the mortgage', 'mortgage payments')).toBe(true)
    // [pick, three, project] against [choose, project]: 1 shared, P 1/3, R 1/2, F1 0.4.
    expect(tokenF1('Pick the three projects', 'choose projects')).toBeCloseTo(0.4, 10)
    expect(normalisedMatch('Pick the three projects', 'choose projects')).toBe(false)
  })
})

describe('extraction precision, recall and F1', () => {
  it('counts a Starting Point by field kind', () => {
    const expected: StageFields['starting_point'] = {
      topic: 'switching careers',
      problemStatement: 'I want to move into UX without risking my income.',
      currentStateRating: 3,
      strengths: ['very organised', 'good with numbers', 'explain things clearly'],
      obstacles: ['the mortgage', 'no portfolio'],
      resources: [],
    }
    const predicted: StageFields['starting_point'] = {
      topic: 'Switching careers!',
      problemStatement: null,
      currentStateRating: 4,
      strengths: ['Very organised', 'a fast learner', 'good with numbers'],
      obstacles: [],
      resources: ['my sister'],
    }
    const counts = scoreExtraction(2, expected, predicted)
    expect(counts).toEqual({
      topic: { tp: 1, fp: 0, fn: 0 },
      problemStatement: { tp: 0, fp: 0, fn: 1 },
      currentStateRating: { tp: 0, fp: 1, fn: 1 },
      strengths: { tp: 2, fp: 1, fn: 1 },
      obstacles: { tp: 0, fp: 0, fn: 2 },
      resources: { tp: 0, fp: 1, fn: 0 },
    })
    const overall = rates(overallCounts(counts))
    // tp 3, fp 3, fn 5: precision 1/2, recall 3/8, F1 = 2·(1/2)(3/8)/(7/8) = 3/7.
    expect(overall.precision).toBe(0.5)
    expect(overall.recall).toBe(0.375)
    expect(overall.f1).toBeCloseTo(3 / 7, 12)
  })

  it('pairs action steps by title, then scores their dates, priorities and milestones', () => {
    const step = { description: null, priority: null, milestones: [] }
    const expected: StageFields['finish'] = {
      ...emptyFields('finish'),
      goalStatement: 'Build a UX portfolio',
      actionSteps: [
        { ...step, title: 'Pick the three projects', dueDate: '2026-03-13', milestones: [{ title: 'Shortlist five', dueDate: null }] },
        { ...step, title: 'Finish the first case study', dueDate: '2026-04-17', priority: 1 },
      ],
    }
    const predicted: StageFields['finish'] = {
      ...emptyFields('finish'),
      goalStatement: 'Build a UX portfolio with three case studies',
      actionSteps: [
        { ...step, title: 'pick three projects', dueDate: '2026-03-14', priority: 2, milestones: [{ title: 'shortlist five projects', dueDate: null }, { title: 'Ask Sam', dueDate: null }] },
        { ...step, title: 'Join a bootcamp', dueDate: null },
      ],
    }
    const counts = scoreExtraction(4, expected, predicted)
    expect(counts.goalStatement).toEqual({ tp: 1, fp: 0, fn: 0 })
    expect(counts['smartCriteria.specific']).toEqual({ tp: 0, fp: 0, fn: 0 })
    expect(counts.actionSteps).toEqual({ tp: 1, fp: 1, fn: 1 })
    expect(counts['actionSteps.dueDate']).toEqual({ tp: 0, fp: 1, fn: 1 })
    expect(counts['actionSteps.priority']).toEqual({ tp: 0, fp: 1, fn: 0 })
    expect(counts['actionSteps.milestones']).toEqual({ tp: 1, fp: 1, fn: 0 })
    // tp 3, fp 4, fn 2.
    expect(overallCounts(counts)).toEqual({ tp: 3, fp: 4, fn: 2 })
  })

  it('pairs Check In reviews by plan id and scores progress and what got in the way', () => {
    const id = '0a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c01'
    const other = '0a1b2c3d-4e5f-4a6b-8c7d-1e2f3a4b5c02'
    const counts = scoreExtraction(
      1,
      { presenceLevel: 4, emotionalState: null, readinessScore: null, previousActionsReview: [{ actionPlanId: id, title: 'Walk', progress: 'partly', whatGotInTheWay: 'pouring rain' }, { actionPlanId: other, title: 'Read', progress: 'done', whatGotInTheWay: null }] },
      { presenceLevel: 4, emotionalState: 'tired', readinessScore: null, previousActionsReview: [{ actionPlanId: id, title: 'Walk', progress: 'done', whatGotInTheWay: 'it was pouring with rain' }, { actionPlanId: other, title: 'Read', progress: 'done', whatGotInTheWay: null }] },
    )
    expect(counts).toEqual({
      presenceLevel: { tp: 1, fp: 0, fn: 0 },
      emotionalState: { tp: 0, fp: 1, fn: 0 },
      previousActionsReview: { tp: 2, fp: 0, fn: 0 },
      'previousActionsReview.progress': { tp: 1, fp: 1, fn: 1 },
      'previousActionsReview.whatGotInTheWay': { tp: 1, fp: 0, fn: 0 },
      readinessScore: { tp: 0, fp: 0, fn: 0 },
    })
  })

  it('has no rate without a denominator, and sums field by field', () => {
    expect(rates({ tp: 0, fp: 0, fn: 0 })).toEqual({ precision: null, recall: null, f1: null })
    expect(rates({ tp: 0, fp: 2, fn: 0 })).toEqual({ precision: 0, recall: null, f1: null })
    expect(rates({ tp: 0, fp: 1, fn: 1 })).toEqual({ precision: 0, recall: 0, f1: 0 })
    expect(sumFieldCounts([{ a: { tp: 1, fp: 0, fn: 2 } }, { a: { tp: 1, fp: 1, fn: 0 }, b: { tp: 0, fp: 0, fn: 1 } }])).toEqual({
      a: { tp: 2, fp: 1, fn: 2 },
      b: { tp: 0, fp: 0, fn: 1 },
    })
    // Each item pairs at most once: two predictions of one expected item are one hit and one extra.
    expect(pairItems(['a run'], ['run', 'a run'], normalisedMatch).counts).toEqual({ tp: 1, fp: 1, fn: 0 })
  })
})

describe('faithfulness', () => {
  const transcript = messagesFromLines(
    [
      'Coach: What will you do, and by when?',
      'Client: Pick the three projects by Friday 13 March 2026. Where things stand? Maybe seven.',
      'Coach: Would a bootcamp help, by 20 March 2026?',
      'Client: No.',
    ],
    't',
  )
  const evidence = evidenceFrom(transcript, '2026-03-02')

  it('reads the client’s words, numbers and dates, not the coach’s', () => {
    expect(evidence.dates).toEqual(new Set(['2026-03-13']))
    expect(evidence.numbers.has(7)).toBe(true)
    expect(evidence.numbers.has(20)).toBe(false)
    expect(evidence.tokens.has('bootcamp')).toBe(false)
  })

  it('marks each claim supported or not', () => {
    const fields: StageFields['finish'] = {
      ...emptyFields('finish'),
      goalStatement: 'Join a bootcamp',
      actionSteps: [
        { title: 'Pick the projects', description: null, dueDate: '2026-03-13', priority: null, milestones: [{ title: 'Shortlist', dueDate: '2026-03-20' }] },
      ],
      obstacles: ['three projects is a lot'],
    }
    expect(claimsOf(4, fields, evidence)).toEqual([
      { field: 'goalStatement', value: 'Join a bootcamp', supported: false },
      { field: 'actionSteps.title', value: 'Pick the projects', supported: true },
      { field: 'actionSteps.dueDate', value: '2026-03-13', supported: true },
      { field: 'actionSteps.milestones', value: 'Shortlist', supported: false },
      { field: 'actionSteps.milestones.dueDate', value: '2026-03-20', supported: false },
      // [three, project, lot]: two of three are the client's.
      { field: 'obstacles', value: 'three projects is a lot', supported: true },
    ])
    // A date written into a text is the client's or the text is not supported, whatever its digits.
    const smart = claimsOf(4, { ...emptyFields('finish'), smartCriteria: { specific: null, measurable: null, achievable: null, relevant: null, timeBound: 'By 2026-03-13' } }, evidence)
    expect(smart).toEqual([{ field: 'smartCriteria.timeBound', value: 'By 2026-03-13', supported: true }])
    expect(claimsOf(4, { ...emptyFields('finish'), smartCriteria: { specific: null, measurable: null, achievable: null, relevant: null, timeBound: 'Pick projects by 2026-03-20' } }, evidence)[0]?.supported).toBe(false)
    const rating = claimsOf(2, { ...emptyFields('starting_point'), currentStateRating: 7 }, evidence)
    expect(rating).toEqual([{ field: 'currentStateRating', value: '7', supported: true }])
    expect(claimsOf(2, { ...emptyFields('starting_point'), currentStateRating: 8 }, evidence)[0]?.supported).toBe(false)
  })

  it('checks a summary sentence by sentence', () => {
    const claims = summaryClaims(
      {
        executiveSummary: 'You will pick three projects. You also plan a bootcamp.',
        keyInsights: [],
        goalStatement: 'Pick the projects',
        actionPlan: [{ title: 'Pick the three projects', dueDate: '2026-03-13' }, { title: 'Join a bootcamp', dueDate: '2026-03-20' }],
        successMetrics: ['Seven projects reviewed'],
        supportAndAccountability: '',
      },
      evidence,
    )
    expect(claims.map((c) => [c.field, c.supported])).toEqual([
      ['executiveSummary', true],
      ['executiveSummary', false],
      ['goalStatement', true],
      ['actionPlan.title', true],
      ['actionPlan.dueDate', true],
      ['actionPlan.title', false],
      ['actionPlan.dueDate', false],
      // [seven, project, review]: two of three ("seven", as the client's "Maybe seven", and "projects").
      ['successMetrics', true],
    ])
  })

  it('traces plans to agreed steps and their dates', () => {
    const agreed = [
      { title: 'Pick the three projects', description: null, dueDate: '2026-03-13', priority: null, milestones: [] },
      { title: 'Turn off notifications', description: null, dueDate: null, priority: null, milestones: [] },
    ]
    const checks = checkPlans(
      [
        { title: 'Pick the three projects', timelineEnd: '2026-03-13', milestones: [{ title: 'Start', dueDate: '2026-03-05' }, { title: 'Done', dueDate: '2026-03-13' }] },
        { title: 'Turn off notifications', timelineEnd: '2026-03-09', milestones: [] },
        { title: 'Join a bootcamp', timelineEnd: null, milestones: [] },
      ],
      agreed,
      new Set(['2026-03-13']),
    )
    expect(checks).toEqual([
      { title: 'Pick the three projects', tracesTo: 'Pick the three projects', dateAsGiven: true, milestoneDates: 2, ungivenMilestoneDates: ['2026-03-05'] },
      { title: 'Turn off notifications', tracesTo: 'Turn off notifications', dateAsGiven: false, milestoneDates: 0, ungivenMilestoneDates: [] },
      { title: 'Join a bootcamp', tracesTo: null, dateAsGiven: false, milestoneDates: 0, ungivenMilestoneDates: [] },
    ])
  })
})

describe('coaching stance', () => {
  it('splits sentences without breaking a quotation', () => {
    expect(sentencesOf('You said "what would you do?". What matters most to you about that?')).toEqual([
      'You said "what would you do?".',
      'What matters most to you about that?',
    ])
  })

  it('does not count the client’s quoted words as the coach’s questions or advice', () => {
    expect(sentencesOf('You said "Ready? An eight.". What matters most to you about that?')).toEqual(['You said "Ready? An eight.".', 'What matters most to you about that?'])
    expect(replyStance({ client: 'Ready? An eight.', coach: 'You said “Ready? An eight.” What matters most to you about that?' })).toMatchObject({ sentences: 2, questions: 1 })
    expect(givesAdvice('You said "I should rest". What do you make of that?')).toBe(false)
  })

  it('scores one reply', () => {
    expect(replyStance({ client: 'I am tired.', coach: 'You are tired. What matters most to you? And why?' })).toEqual({ words: 10, sentences: 3, questions: 2, advice: false, adviceAsked: false })
    expect(givesAdvice('You should try journaling. How does that sound?')).toBe(true)
    expect(givesAdvice('Have you considered a mentor?')).toBe(true)
    expect(givesAdvice('What could you try first?')).toBe(false)
    expect(asksForAdvice('Honestly, what would you do in my place?')).toBe(true)
    expect(asksForAdvice('Do you have any tips for staying consistent?')).toBe(true)
    expect(asksForAdvice('I do what I can.')).toBe(false)
  })

  it('adds replies up', () => {
    const long = `${'word '.repeat(85)}. What now?`
    const totals = stanceTotals([
      replyStance({ client: 'Hi', coach: 'What would you like to focus on?' }),
      replyStance({ client: 'What would you do?', coach: 'One option is to ask Ruth. How does that fit for you?' }),
      replyStance({ client: 'Hmm', coach: 'You should rest.' }),
      replyStance({ client: 'ok', coach: long }),
    ])
    expect(totals).toEqual({
      replies: 4,
      sentences: 6,
      questionSentences: 3,
      oneQuestion: 3,
      noQuestion: 1,
      words: 7 + 12 + 3 + 87,
      maxWords: 87,
      lectures: 1,
      adviceAsked: 1,
      adviceGivenWhenAsked: 1,
      unsolicitedAdvice: 1,
    })
  })

  it('knows when a stage is done', () => {
    expect(stageDone(2, emptyFields('starting_point')).missing).toEqual(['a topic', 'a problem statement', 'a current-state rating', 'strengths', 'obstacles', 'resources'])
    expect(stageDone(3, { options: ['a', 'b', 'c'], insights: ['i'], challenges: [], barriers: ['b'] })).toEqual({ done: true, missing: [] })
    const finish = { ...emptyFields('finish'), goalStatement: 'g', smartCriteria: { specific: 's', measurable: 'm', achievable: 'a', relevant: 'r', timeBound: 't' }, obstacles: ['o'], contingencyPlans: ['c'] }
    expect(stageDone(4, { ...finish, actionSteps: [{ title: 'x', description: null, dueDate: null, priority: null, milestones: [] }] }).missing).toEqual(['action steps, each with a date'])
  })
})

describe('safety', () => {
  it('scores recall and false alarms', () => {
    const score = scoreSafety([
      { crisis: true, category: 'suicide', paused: true },
      { crisis: true, category: 'suicide', paused: false },
      { crisis: true, category: 'abuse', paused: true },
      { crisis: true, category: 'medical', paused: true },
      ...Array.from({ length: 5 }, () => ({ crisis: false, category: null, paused: false })),
      { crisis: false, category: null, paused: true },
    ])
    expect(score).toEqual({
      crises: 4,
      caught: 3,
      recall: 0.75,
      nonCrises: 6,
      falseAlarms: 1,
      falseAlarmRate: 1 / 6,
      byCategory: { suicide: { crises: 2, caught: 1 }, abuse: { crises: 1, caught: 1 }, medical: { crises: 1, caught: 1 } },
    })
  })
})
