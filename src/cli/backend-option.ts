// Starts the tfjs backend a command asked for with --backend.

import { BACKENDS, describeReport, selectBackend, type BackendReport } from '../core/backend/select';
import { UsageError, type CliIO } from './command';

/** Starts the requested backend (or the best one); warns on stderr when it had to fall back. */
export async function startBackend(requested: string | undefined, io: CliIO): Promise<BackendReport> {
  if (requested !== undefined && !(BACKENDS as readonly string[]).includes(requested)) {
    throw new UsageError(`unknown backend "${requested}" (expected one of ${BACKENDS.join(', ')})`);
  }
  const report = await selectBackend({ override: requested ?? null });
  if (requested !== undefined && report.backend !== requested) {
    io.stderr.write(`warning: backend ${requested} is unavailable, using ${describeReport(report)}\n`);
  }
  return report;
}
