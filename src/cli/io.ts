import { createInterface } from 'node:readline/promises';
/** Where the CLI writes; injected so tests can capture output without touching process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is an interactive terminal (progress bars, colours). */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  /** Shows `question` and resolves with the line the user types (empty at end of input). */
  ask: (question: string) => Promise<string>;
  /** All of standard input as text (`-f -`). */
  readStdin: () => Promise<string>;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
    ask: askOnTerminal,
    readStdin: readAllStdin,
  };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

async function askOnTerminal(question: string): Promise<string> {
  const reader = createInterface({ input: process.stdin, output: process.stdout, terminal: false });
  try {
    process.stdout.write(question);
    const lines = reader[Symbol.asyncIterator]();
    const next = await lines.next();
    return next.done === true ? '' : String(next.value);
  } finally {
    reader.close();
  }
}
