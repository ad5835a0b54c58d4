import { describe, expect, it } from 'vitest'
import { prescribedWeight, recordBenchmarkSchema, recordMeasureSchema, timeSlotSchema } from './measures.shared'

describe('prescribedWeight', () => {
  it('turns a % of 1RM into kilograms to the nearest 0.5 kg', () => {
    expect(prescribedWeight({ percent: 75, oneRepMax: 110, exerciseName: 'Back squat' })).toEqual({
      known: true,
      kilograms: 82.5,
      oneRepMax: 110,
      text: '75 % of 1RM = 82.5 kg (1RM 110 kg)',
    })
    expect(prescribedWeight({ percent: 75, oneRepMax: 102.5, exerciseName: 'Back squat' })).toMatchObject({ kilograms: 77 })
  })

  it('says there is no 1RM yet, and what to do', () => {
    expect(prescribedWeight({ percent: 80, oneRepMax: null, exerciseName: 'Deadlift' })).toEqual({
      known: false,
      text: '80 % of 1RM — no 1RM for Deadlift yet: record one to see the weight.',
    })
  })
})

describe('the input schemas', () => {
  const measure = { sessionId: null, itemKey: null, exerciseId: null, metricKey: 'weight', setNumber: 1, value: { kind: 'number', value: 60 }, unit: null, modification: null } as const

  it('take a value, or a skip with its reason, never both', () => {
    expect(recordMeasureSchema.safeParse(measure).success).toBe(true)
    expect(recordMeasureSchema.safeParse({ ...measure, value: null, modification: { kind: 'skipped', reason: 'Knee sore' } }).success).toBe(true)
    expect(recordMeasureSchema.safeParse({ ...measure, modification: { kind: 'skipped', reason: 'Knee sore' } }).error?.issues[0]?.message).toBe('A skipped item has no value.')
    expect(recordMeasureSchema.safeParse({ ...measure, value: null }).error?.issues[0]?.message).toBe('Give a value, or mark it skipped.')
    expect(recordMeasureSchema.safeParse({ ...measure, value: { kind: 'scale', value: 11 } }).success).toBe(false)
  })

  it('know a time slot: a part of the day or HH:MM', () => {
    expect(['morning', 'evening', '06:45', '23:59'].map((slot) => timeSlotSchema.safeParse(slot).success)).toEqual([true, true, true, true])
    expect(['teatime', '24:00', '6:45'].map((slot) => timeSlotSchema.safeParse(slot).success)).toEqual([false, false, false])
  })

  it('need an exercise for a 1RM, a value above 0, and rising zones whose top is the value', () => {
    const benchmark = { kind: 'one_rep_max', exerciseId: null, name: null, value: 100, unit: null, zones: null, recordedOn: '2026-12-01' } as const
    expect(recordBenchmarkSchema.safeParse(benchmark).error?.issues[0]?.message).toBe('A 1RM is for an exercise: choose one.')
    expect(recordBenchmarkSchema.safeParse({ ...benchmark, kind: 'ftp', value: 0 }).error?.issues[0]?.message).toBe('A benchmark is above 0.')
    expect(recordBenchmarkSchema.safeParse({ ...benchmark, kind: 'hr_zones', value: 190, zones: [120, 140, 155, 170, 190] }).success).toBe(true)
    expect(recordBenchmarkSchema.safeParse({ ...benchmark, kind: 'hr_zones', value: 190, zones: [120, 110, 155, 170, 190] }).success).toBe(false)
  })
})
