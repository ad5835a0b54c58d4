import { describe, expect, it } from 'vitest'
import { complianceBand, complianceRatio, describeCompliance, describeShare, shareOnPlan } from './compliance.shared'

describe('compliance bands', () => {
  it('put each edge in its band: 49 off, 50 near, 79 near, 80 on, 120 on, 121 near, 150 near, 151 off', () => {
    const at = (percent: number) => complianceBand(complianceRatio(percent, { target: 100 }))
    expect([49, 50, 79, 80, 120, 121, 150, 151].map(at)).toEqual(['off', 'near', 'near', 'on_plan', 'on_plan', 'near', 'near', 'off'])
  })

  it('hold at the edges for targets whose division is not exact in binary', () => {
    // 0.8 × 7 and 1.2 × 7, 0.5 × 3 and 1.5 × 3: still on plan / near.
    expect(complianceBand(complianceRatio(5.6, { target: 7 }))).toBe('on_plan')
    expect(complianceBand(complianceRatio(8.4, { target: 7 }))).toBe('on_plan')
    expect(complianceBand(complianceRatio(1.5, { target: 3 }))).toBe('near')
    expect(complianceBand(complianceRatio(4.5, { target: 3 }))).toBe('near')
  })

  it('count not done as off, and a target of 0 as nothing to divide by', () => {
    expect(complianceBand(null)).toBe('off')
    expect(complianceRatio(5, { target: 0 })).toBeNull()
  })

  it('measure a range from its nearer end, and anything inside it as on plan', () => {
    expect(complianceRatio(7, { min: 6, max: 8 })).toBe(1)
    expect(complianceRatio(3, { min: 6, max: 8 })).toBe(0.5)
    expect(complianceRatio(12, { min: 6, max: 8 })).toBe(1.5)
    expect(complianceBand(complianceRatio(12.5, { min: 6, max: 8 }))).toBe('off')
  })
})

describe('describeCompliance', () => {
  it('says the band in words beside its colour, and the reason for a miss', () => {
    expect(describeCompliance({ actual: 96, plan: { target: 100 } })).toEqual({ band: 'on_plan', percent: 96, colour: 'green', text: 'On plan · 96 % of target' })
    expect(describeCompliance({ actual: 60, plan: { target: 100 }, reason: 'Substituted: goblet squat' })).toEqual({
      band: 'near',
      percent: 60,
      colour: 'amber',
      text: 'Near plan · 60 % of target · Substituted: goblet squat',
    })
    expect(describeCompliance({ actual: null, plan: { target: 100 }, reason: 'Knee sore' })).toEqual({ band: 'off', percent: null, colour: 'red', text: 'Not done · Knee sore' })
  })
})

describe('share on plan', () => {
  it('is the on-plan share of the planned metrics, and null when nothing was planned', () => {
    expect(shareOnPlan(['on_plan', 'near', 'off', 'on_plan'])).toBe(0.5)
    expect(shareOnPlan([])).toBeNull()
    expect(describeShare(7, 9)).toBe('7 of 9 on plan (78 %)')
    expect(describeShare(0, 0)).toBe('Nothing planned to compare')
  })
})
