// Pairs the images of an input folder with those of a target folder by file stem
// ("rain/001.png" with "clean/001.jpg"), as the paired sets in ../shared/data are laid out.

import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './command';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.bmp'] as const;

/** An image file by its name: a known extension, and not hidden (editors and macOS leave dot files). */
export function isImageFile(name: string): boolean {
  return !name.startsWith('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
}

export interface FilePair {
  /** The shared stem. */
  name: string;
  input: string;
  target: string;
}

const collator = new Intl.Collator('en', { numeric: true });

/** stem -> file path of every image in a folder; duplicate stems are an error. */
async function imagesByStem(dir: string, role: string): Promise<Map<string, string>> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new CliError(`${role} ${dir} is not a folder`);
    entries = await readdir(dir);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${role} folder ${dir}: ${code === 'ENOENT' ? 'no such folder' : (code ?? (e as Error).message)}`);
  }
  const byStem = new Map<string, string>();
  for (const file of entries.sort(collator.compare)) {
    if (!isImageFile(file)) continue;
    const ext = path.extname(file);
    const stem = file.slice(0, -ext.length);
    const seen = byStem.get(stem);
    if (seen !== undefined) throw new CliError(`two images in ${dir} share the stem "${stem}": ${path.basename(seen)} and ${file}`);
    byStem.set(stem, path.join(dir, file));
  }
  if (byStem.size === 0) throw new CliError(`no images (${IMAGE_EXTENSIONS.join(', ')}) in ${role} folder ${dir}`);
  return byStem;
}

function listSome(stems: string[]): string {
  const shown = stems
    .slice(0, 3)
    .map((s) => `"${s}"`)
    .join(', ');
  return stems.length > 3 ? `${shown} and ${stems.length - 3} more` : shown;
}

/** The pairs, in natural order of their stems; every image must have a partner. */
export async function pairByStem(inputDir: string, targetDir: string): Promise<FilePair[]> {
  const inputs = await imagesByStem(inputDir, 'input');
  const targets = await imagesByStem(targetDir, 'target');
  const noTarget = [...inputs.keys()].filter((s) => !targets.has(s));
  const noInput = [...targets.keys()].filter((s) => !inputs.has(s));
  if (noTarget.length > 0 || noInput.length > 0) {
    const parts = [
      noTarget.length ? `${noTarget.length} input(s) with no target in ${targetDir} (${listSome(noTarget)})` : '',
      noInput.length ? `${noInput.length} target(s) with no input in ${inputDir} (${listSome(noInput)})` : '',
    ].filter(Boolean);
    throw new CliError(`unpaired stems: ${parts.join('; ')}`);
  }
  return [...inputs.entries()].map(([name, input]) => ({ name, input, target: targets.get(name)! }));
}
