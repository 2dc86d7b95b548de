/** Help text pieces shared by the commands. */

/** An `Examples:` section for `--help`, one command line per entry. */
export function examples(...lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
