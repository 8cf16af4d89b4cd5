import { open, type FileHandle } from 'node:fs/promises';
import { SourceError } from './types';

/** Random-access bytes of one input; files today, other stores (HTTP ranges) later. */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  /**
   * Reads up to `length` bytes at `offset`; fewer only at the end of the source. With `into`
   * (at least `length` bytes) the bytes land there, and no new memory is touched.
   */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

const OPEN_PROBLEMS: Record<string, string> = {
  ENOENT: 'file not found',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'file not found (a parent is not a directory)',
  EMFILE: 'too many open files',
};

export async function openFileSource(path: string): Promise<ByteSource> {
  let handle: FileHandle | undefined;
  let size: number;
  try {
    handle = await open(path, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (e) {
    await handle?.close().catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new SourceError(path, OPEN_PROBLEMS[code] ?? `cannot open (${(e as Error).message})`);
  }
  return {
    name: path,
    size,
    async read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
      const fh = handle!;
      const want = Math.max(0, Math.min(length, size - offset));
      const buf = into && into.length >= want ? into.subarray(0, want) : new Uint8Array(want);
      let done = 0;
      while (done < want) {
        const { bytesRead } = await fh.read(buf, done, want - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === want ? buf : buf.subarray(0, done);
    },
    close: () => handle!.close(),
  };
}
