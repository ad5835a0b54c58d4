import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { horizontalOverflow, phone, waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'

const { newPage } = useAppAndBrowser()

function newPerson() {
  const id = randomUUID().slice(0, 8)
  return { name: `Ada Tester ${id}`, email: `ada.${id}@example.com`, password: `Strong-pass-${id}-9` }
}

async function fillSignUp(page: Page, person: { name: string; email: string; password: string }) {
  await page.getByLabel('Your name').fill(person.name)
  await page.getByLabel('Email').fill(person.email)
  await page.getByLabel('Password').fill(person.password)
  await page.getByRole('button', { name: 'Create account' }).click()
}

async function expectDashboard(page: Page) {
  await page.waitForURL((url) => url.pathname === '/dashboard')
  await page.getByRole('heading', { level: 1, name: 'Your dashboard' }).waitFor()
}

describe('signing up, out and back in', () => {
  test('a new person signs up from the landing page, signs out, and the dashboard then asks them to sign in', async () => {
    const { page, documentRequests } = await newPage()
    const person = newPerson()

    await page.goto('/')
    await page.getByRole('heading', { level: 1, name: /Coaching conversations that end in a plan/ }).waitFor()
    await waitForHydration(page)

    await page.getByRole('main').getByRole('link', { name: 'Create an account' }).click()
    await page.waitForURL((url) => url.pathname === '/signup')
    await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor()
    // The app's JavaScript ran: going to the sign-up page did not load a new document.
    expect(documentRequests).toEqual(['GET /'])

    await fillSignUp(page, person)
    await expectDashboard(page)
    // A new account starts empty, and each empty list says how it gets filled.
    for (const emptyState of ['No sessions yet', 'No open action plans', 'You are not in a program yet']) {
      await page.getByText(emptyState, { exact: true }).waitFor()
    }
    const header = page.getByRole('navigation', { name: 'Main' })
    await header.getByText(person.name, { exact: true }).waitFor()

    await header.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/login')
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    expect(await header.getByRole('button', { name: 'Sign out' }).count()).toBe(0)
    await header.getByRole('link', { name: 'Sign in' }).waitFor()

    // Signed out means signed out: the dashboard, loaded afresh, sends the person to sign in.
    await page.goto('/dashboard')
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    const url = new URL(page.url())
    expect(url.pathname).toBe('/login')
    expect(url.searchParams.get('redirectTo')).toBe('/dashboard')
    expect(await page.getByText('Your dashboard').count()).toBe(0)

    // Signing in again returns them to the page they asked for.
    await waitForHydration(page)
    await page.getByLabel('Email').fill(person.email)
    await page.getByLabel('Password').fill(person.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expectDashboard(page)
    await header.getByText(person.name, { exact: true }).waitFor()
  })

  test('on a phone, the dashboard fits the screen and signing out is within reach', async () => {
    const { page } = await newPage(phone)
    const person = newPerson()

    await page.goto('/signup')
    await waitForHydration(page)
    const signUpPage = await horizontalOverflow(page)
    expect(signUpPage.scrollWidth, 'the sign-up page is wider than a 390 px screen').toBeLessThanOrEqual(signUpPage.clientWidth)

    await fillSignUp(page, person)
    await expectDashboard(page)
    await page.getByText('No sessions yet', { exact: true }).waitFor()
    const { scrollWidth, clientWidth } = await horizontalOverflow(page)
    expect(clientWidth).toBe(390)
    expect(scrollWidth, 'the dashboard is wider than a 390 px screen').toBeLessThanOrEqual(clientWidth)

    const signOut = page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' })
    await signOut.waitFor()
    const box = await signOut.boundingBox()
    expect(box, 'the Sign out button has no box').not.toBeNull()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(390)
    await signOut.tap()
    await page.waitForURL((url) => url.pathname === '/login')
  })

  test('a weak password is refused with every rule it breaks, and the name and email stay filled in', async () => {
    const { page, problems } = await newPage()
    const person = { ...newPerson(), password: 'short' }
    // The action answers a refused form with 400 Bad Request, which Chromium logs.
    problems.expectConsoleError(/status of 400/, 'the 400 response to the refused sign-up')

    await page.goto('/signup')
    await waitForHydration(page)
    await fillSignUp(page, person)

    await page.getByRole('alert').filter({ hasText: 'Please fix the marked fields.' }).waitFor()
    const password = page.getByLabel('Password')
    const rules = page.locator(await password.getAttribute('aria-describedby').then(errorList))
    expect(await rules.getByRole('listitem').allTextContents()).toEqual([
      'Use at least 12 characters.',
      'Include an upper-case letter.',
      'Include a digit.',
    ])
    expect(await password.getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByLabel('Your name').inputValue()).toBe(person.name)
    expect(await page.getByLabel('Email').inputValue()).toBe(person.email)
    expect(new URL(page.url()).pathname).toBe('/signup')

    // No account was made: the same email signs up fine once the password is strong.
    await page.getByLabel('Password').fill(newPerson().password)
    await page.getByRole('button', { name: 'Create account' }).click()
    await expectDashboard(page)
  })

  test('without JavaScript, a weak password still gets the rules back and the server keeps the name and email', async () => {
    // The page comes back from the server here, so what is filled in is what the server returned.
    const { page, problems } = await newPage({ javaScriptEnabled: false })
    const person = { ...newPerson(), password: 'alllowercaseletters' }
    problems.expectConsoleError(/status of 400/, 'the 400 response to the refused sign-up')

    await page.goto('/signup')
    await fillSignUp(page, person)
    await page.getByRole('alert').filter({ hasText: 'Please fix the marked fields.' }).waitFor()
    const rules = page.locator(await page.getByLabel('Password').getAttribute('aria-describedby').then(errorList))
    expect(await rules.getByRole('listitem').allTextContents()).toEqual([
      'Include an upper-case letter.',
      'Include a digit.',
    ])
    expect(await page.getByLabel('Your name').inputValue()).toBe(person.name)
    expect(await page.getByLabel('Email').inputValue()).toBe(person.email)
    // Passwords are never sent back to the page.
    expect(await page.getByLabel('Password').inputValue()).toBe('')
  })
})

/** A selector for a field's error list, named in its aria-describedby ("<id>-hint <id>-errors"). */
function errorList(describedBy: string | null): string {
  const id = describedBy?.split(' ').find((part) => part.endsWith('-errors'))
  if (!id) throw new Error(`The field's aria-describedby names no error list (${describedBy})`)
  return `[id="${id}"]`
}
