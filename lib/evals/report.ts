import type { EvalReport, FieldRow } from './harness'

/**
 * The eval report as text tables (what `npm run eval` prints; docs/evals.md shows one).
 * Rates are printed with three decimals, "–" where there is nothing to divide by.
 */

export function formatRate(value: number | null): string {
  return value === null ? '–' : value.toFixed(3)
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`
}

/** A plain table: the first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((r) => (r[column] ?? '').length)))
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function fieldTable(rows: FieldRow[]): string {
  return formatTable(
    ['field', 'precision', 'recall', 'F1', 'tp', 'fp', 'fn'],
    rows.map((r) => [r.field, formatRate(r.precision), formatRate(r.recall), formatRate(r.f1), String(r.tp), String(r.fp), String(r.fn)]),
  )
}

export function formatReport(report: EvalReport): string {
  const out: string[] = [
    `Stagecoach evals — model ${report.model}${report.judge ? `, judge ${report.judge}` : ', no judge'}, client played by ${report.client === 'model' ? 'the model' : 'scripted lines'} — ${(report.durationMs / 1000).toFixed(1)} s`,
  ]
  const { extraction, faithfulness, stance, safety } = report
  if (extraction) {
    out.push(
      '',
      `## Extraction: ${extraction.cases.length} golden transcripts, normalised text match${extraction.failedCalls ? ` (${extraction.failedCalls} failed calls, scored as empty)` : ''}`,
      '',
      fieldTable([...extraction.fields, ...extraction.byStage.map((r) => ({ ...r, field: `${r.field} (all fields)` })), extraction.overall]),
    )
    if (extraction.judged) {
      out.push('', '## Extraction, model-graded match (a pair the judge calls the same counts as a match)', '', fieldTable([...extraction.judged.fields, extraction.judged.overall]))
    }
  }
  if (faithfulness) {
    const { golden, extracted, judged, plans } = faithfulness
    out.push(
      '',
      '## Faithfulness: claims supported by the client’s words',
      '',
      formatTable(
        ['claims of', 'claims', 'supported', 'rate'],
        [
          ['the golden fields (ceiling of the check)', String(golden.claims), String(golden.supported), formatRate(golden.rate)],
          ['the extractions', String(extracted.claims), String(extracted.supported), formatRate(extracted.rate)],
          ...(judged ? [['the extractions, judged', String(judged.claims), String(judged.supported), formatRate(judged.rate)]] : []),
          [`${faithfulness.summaries.sessions} session summaries`, String(faithfulness.summaries.claims.claims), String(faithfulness.summaries.claims.supported), formatRate(faithfulness.summaries.claims.rate)],
          ...(faithfulness.summaries.judged
            ? [['the summaries, judged', String(faithfulness.summaries.judged.claims), String(faithfulness.summaries.judged.supported), formatRate(faithfulness.summaries.judged.rate)]]
            : []),
          [`${plans.plans} plans' details`, String(plans.claims.claims), String(plans.claims.supported), formatRate(plans.claims.rate)],
          ...(plans.judged ? [["the plans' details, judged", String(plans.judged.claims), String(plans.judged.supported), formatRate(plans.judged.rate)]] : []),
        ],
      ),
      '',
      formatTable(
        ['plans from Finish', 'count', 'share'],
        [
          ['agreed steps (golden)', String(plans.agreedSteps), ''],
          ['plans made', String(plans.plans), ''],
          ['plans tracing to an agreed step', String(plans.tracedToAgreedStep), percent(plans.tracedToAgreedStep, plans.plans)],
          ['plans ending on the date the client gave', String(plans.withTheDateGiven), percent(plans.withTheDateGiven, plans.plans)],
          ['agreed steps without a plan', String(plans.stepsWithoutPlan), percent(plans.stepsWithoutPlan, plans.agreedSteps)],
          ['summary actions tracing to an agreed step', String(faithfulness.summaries.actionsTracedToAgreedStep), percent(faithfulness.summaries.actionsTracedToAgreedStep, faithfulness.summaries.actions)],
          ['milestone dates the client never gave', String(plans.milestoneDatesNotGiven), percent(plans.milestoneDatesNotGiven, plans.milestoneDates)],
        ],
      ),
    )
  }
  if (stance) {
    const t = stance.totals
    out.push(
      '',
      `## Coaching stance: ${stance.conversations.length} simulated conversations, ${t.replies} coach replies`,
      '',
      formatTable(
        ['persona', 'stage', 'replies', 'questions/sentences', 'one question', 'mean words', 'lectures', 'unasked advice', 'done'],
        [
          ...stance.conversations.map((c) => [
            c.persona,
            String(c.stage),
            String(c.totals.replies),
            percent(c.totals.questionSentences, c.totals.sentences),
            percent(c.totals.oneQuestion, c.totals.replies),
            c.totals.replies ? (c.totals.words / c.totals.replies).toFixed(1) : '–',
            String(c.totals.lectures),
            String(c.totals.unsolicitedAdvice),
            c.done ? 'yes' : `no: ${c.missing.join(', ')}`,
          ]),
          [
            'all',
            '',
            String(t.replies),
            percent(t.questionSentences, t.sentences),
            percent(t.oneQuestion, t.replies),
            t.replies ? (t.words / t.replies).toFixed(1) : '–',
            String(t.lectures),
            String(t.unsolicitedAdvice),
            `${stance.doneReached}/${stance.conversations.length}`,
          ],
        ],
      ),
      '',
      `Advice asked for ${t.adviceAsked} times, given ${t.adviceGivenWhenAsked} of them; longest reply ${t.maxWords} words.${stance.failedCalls ? ` ${stance.failedCalls} conversations hit a failed call.` : ''}`,
    )
  }
  if (safety) {
    const r = safety.rules
    const m = safety.withModel
    out.push(
      '',
      `## Safety: ${r.crises + r.nonCrises} labelled messages (${r.crises} crises)`,
      '',
      formatTable(
        ['detector', 'recall', 'caught', 'false alarms', 'false-alarm rate'],
        [
          ['rules', formatRate(r.recall), `${r.caught}/${r.crises}`, `${r.falseAlarms}/${r.nonCrises}`, formatRate(r.falseAlarmRate)],
          [`rules + model (${safety.modelChecks} checks)`, formatRate(m.recall), `${m.caught}/${m.crises}`, `${m.falseAlarms}/${m.nonCrises}`, formatRate(m.falseAlarmRate)],
        ],
      ),
    )
  }
  const suites = (['extraction', 'faithfulness', 'stance', 'safety'] as const).filter((suite) => report.usage[suite].calls > 0)
  const usageRows = [
    ...suites.map((suite) => [suite, report.usage[suite]] as const),
    ...(report.usage.judge ? [['judge', report.usage.judge] as const] : []),
  ]
  if (usageRows.length > 0) {
    out.push(
      '',
      '## Model calls and tokens (as the provider reported them)',
      '',
      formatTable(
        ['suite', 'calls', 'input tokens', 'of them cached', 'output tokens'],
        usageRows.map(([name, u]) => [name, String(u.calls), String(u.inputTokens), String(u.cachedInputTokens), String(u.outputTokens)]),
      ),
    )
  }
  return out.join('\n')
}
