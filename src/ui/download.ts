import { exportRun } from '../state/run-export';
import type { RunRecord } from '../state/runs';
/** Offers a blob as a download named `name` (nothing leaves the machine: an object URL). */
export function downloadBlob(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** A file name from a run's label: letters, digits and dashes. */
export const runFileStem = (r: RunRecord) =>
  r.label
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase() || r.id;

/** The run as one JSON file (state/run-export.ts), which "Import a run" reads back. */
export function downloadRun(run: RunRecord): void {
  downloadBlob(new Blob([JSON.stringify(exportRun(run), null, 1)], { type: 'application/json' }), `${runFileStem(run)}.json`);
}
