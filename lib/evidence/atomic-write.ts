// Writing evidence files whole or not at all: a SARIF file, an OSCAL document or a trust page
// that is cut short by a crash or a full disk would be read as complete by an uploader, an
// auditor's tool or a browser. Each file is written to a temporary file beside it and renamed
// over it (a rename within a directory is atomic on POSIX file systems); a set of files is
// renamed only once every temporary file has been written.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Writes every file (path -> content), all or none: nothing is renamed until all are written. */
export function writeFilesAtomic(files: Readonly<Record<string, string>>): void {
  const temps: [string, string][] = [];
  try {
    for (const [file, content] of Object.entries(files)) {
      const dir = path.dirname(path.resolve(file));
      mkdirSync(dir, { recursive: true });
      const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
      temps.push([tmp, file]);
      writeFileSync(tmp, content);
    }
    for (const [tmp, file] of temps) renameSync(tmp, file);
  } catch (err) {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes one file whole or not at all. */
export function writeFileAtomic(file: string, content: string): void {
  writeFilesAtomic({ [file]: content });
}
