import type { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';

/** One entry of a tar read back in a test: its header and its content as text. */
export interface TarTestEntry {
  header: Header;
  content: string;
}

/** Reads every entry of a tar (a stream or bytes) into memory; for small test layers only. */
export async function readTarEntries(source: Readable | Buffer): Promise<TarTestEntry[]> {
  const out: TarTestEntry[] = [];
  const reader = extract();
  const done = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      out.push({ header: entry.header, content: Buffer.concat(chunks).toString() });
    }
  })();
  if (Buffer.isBuffer(source)) reader.end(source);
  else source.pipe(reader);
  await done;
  return out;
}
