/**
 * Output every benchmark shares: progress lines, plain-text tables, what machine ran it
 * and how busy it was, the build step, and the results file.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ensureBuild, projectRoot } from './server'
import { round } from './stats'

/** A progress line, indented under the benchmark's heading. */
export function log(line: string) {
  console.log(`  ${line}`)
}

/**
 * A plain-text table: the first `leftColumns` columns left-aligned, the rest (figures)
 * right-aligned, a rule of dashes under the header. Returns the lines joined.
 */
export function formatTable(header: string[], rows: string[][], leftColumns = 1): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const format = (row: string[]) =>
    row.map((cell, column) => (column < leftColumns ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)].join('\n')
}

export interface Machine {
  node: string
  platform: string
  cpus: number
  cpuModel: string
}

/** Node's version, the platform and the CPUs: what the figures were measured on. */
export function machineInfo(): Machine {
  const cpus = os.cpus()
  return { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown' }
}

/** "v20.19.0, 2 × <CPU model>". */
export function describeMachine(machine: Machine): string {
  return `${machine.node}, ${machine.cpus} × ${machine.cpuModel}`
}

/** The 1-minute load average: anything else running on the machine skews the figures. */
export function loadAverage(): number {
  return round(os.loadavg()[0]!)
}

/** Builds the app unless build/ is current (always with `force`), and logs "build: up to date" or "build: built in 12.3 s". */
export async function logBuild({ force = false }: { force?: boolean } = {}): Promise<void> {
  const started = performance.now()
  const build = await ensureBuild({ force })
  log(`build: ${build}${build === 'built' ? ` in ${((performance.now() - started) / 1000).toFixed(1)} s` : ''}`)
}

/** An error's message, with its cause (fetch's "fetch failed" says why only there). */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error)
}

/** The last `count` lines of `text`. */
export function lastLines(text: string, count = 40): string {
  return text.split('\n').slice(-count).join('\n')
}

/**
 * Writes bench/results/<name>.json, pretty-printed: `{ benchmark: name, description,
 * generatedAt, ...figures }`. Returns its path relative to the current folder.
 */
export function writeResults(name: string, { description, ...figures }: { description: string; [key: string]: unknown }): string {
  const file = path.join(projectRoot, `bench/results/${name}.json`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const results = { benchmark: name, description, generatedAt: new Date().toISOString(), ...figures }
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n')
  return path.relative(process.cwd(), file)
}
