// What a run made besides its student (D4IR's synthesised bank, TripleD's condensed set):
// a few of its images, and each artifact as a zip in the layout `weatherkd distill --out` writes.
import { useEffect, useState } from 'react';
import type { Artifact } from '../../core/methods/method';
import type { ArtifactInfo } from '../../core/run/artifact-files';
import { getArtifacts } from '../../workers/artifact-store';
import { guarded } from '../../workers/client';
import { distillWorker } from '../../workers/distill-client';
import { downloadBlob } from '../download';
import { ImageCanvas } from '../ImageCanvas';

const SHOWN = 8;

export function ArtifactsPanel({ runId, artifacts }: { runId: string; artifacts: ArtifactInfo[] }) {
  const [stored, setStored] = useState<Artifact[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    getArtifacts(runId).then(
      (a) => alive && setStored(a),
      (e) => alive && setError(String(e)),
    );
    return () => {
      alive = false;
    };
  }, [runId, artifacts]);

  async function download(name: string) {
    try {
      const w = distillWorker();
      const zip = await guarded(w, w.api.artifactZip(runId, name));
      downloadBlob(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), `${name}.zip`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <section data-testid="run-artifacts">
      <h3>What the run made besides the student</h3>
      {error && <p className="error">{error}</p>}
      {artifacts.map((info) => {
        const a = stored?.find((s) => s.name === info.name);
        return (
          <div key={info.name} data-testid={`artifact-${info.name}`}>
            <p>
              <strong>{info.title}</strong>
              {info.kind === 'pairs' && ` · ${info.count} pairs`}{' '}
              <button className="secondary" data-testid={`artifact-download-${info.name}`} onClick={() => void download(info.name)}>
                Download {info.name}.zip
              </button>
            </p>
            {a?.kind === 'pairs' && (
              <>
                <p className="hint">
                  Columns: {a.originalLabel && `${a.originalLabel} · `}
                  {a.inputLabel} · {a.targetLabel}
                  {a.pairs.length > SHOWN && ` (the first ${SHOWN} of ${a.pairs.length})`}
                </p>
                <div className="grid-images">
                  {a.pairs.slice(0, SHOWN).map((p) => (
                    <figure key={p.stem} title={p.caption}>
                      <div className="triple">
                        {p.original && <ImageCanvas image={p.original} label={a.originalLabel ?? 'original'} scale={2} />}
                        <ImageCanvas image={p.input} label={a.inputLabel} scale={2} />
                        <ImageCanvas image={p.target} label={a.targetLabel} scale={2} />
                      </div>
                      <figcaption>
                        {p.stem}
                        {a.originalLabel && `: ${p.caption}`}
                      </figcaption>
                    </figure>
                  ))}
                </div>
              </>
            )}
          </div>
        );
      })}
    </section>
  );
}
