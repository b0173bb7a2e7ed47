import { useState } from 'react';
import { unpackModelZip } from '../core/models/model-zip';

/**
 * Picks a saved restorer: one .zip as the page downloads it, or its model.json plus the weight
 * file(s) it names, chosen together.
 * Reports a clear error for anything else; the model itself is checked by the caller.
 */
export function ModelFilesInput({ onLoaded }: { onLoaded(modelJson: object, weights: ArrayBuffer, name: string): Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function load(list: FileList | null) {
    const files = [...(list ?? [])];
    if (!files.length) return;
    setError(null);
    setBusy(true);
    try {
      const zip = files.find((f) => f.name.toLowerCase().endsWith('.zip'));
      if (zip) {
        const { modelJson, weights } = unpackModelZip(new Uint8Array(await zip.arrayBuffer()), zip.name);
        await onLoaded(modelJson, weights, zip.name);
        return;
      }
      const jsonFile = files.find((f) => f.name.endsWith('.json'));
      if (!jsonFile) throw new Error('Choose a model .zip, or the model.json file together with its weight file (weights.bin).');
      let modelJson: { weightsManifest?: { paths?: string[] }[] };
      try {
        modelJson = JSON.parse(await jsonFile.text());
      } catch {
        throw new Error(`${jsonFile.name} is not valid JSON.`);
      }
      const paths = modelJson.weightsManifest?.flatMap((g) => g.paths ?? []) ?? [];
      if (!paths.length) throw new Error(`${jsonFile.name} is not a TensorFlow.js model (it names no weight files).`);
      const parts: ArrayBuffer[] = [];
      for (const p of paths) {
        const base = p.split('/').pop()!;
        const f = files.find((x) => x.name === base);
        if (!f) throw new Error(`${jsonFile.name} needs the weight file "${base}": choose it together with model.json.`);
        parts.push(await f.arrayBuffer());
      }
      const weights = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
      let o = 0;
      for (const b of parts) {
        weights.set(new Uint8Array(b), o);
        o += b.byteLength;
      }
      await onLoaded(modelJson, weights.buffer, jsonFile.name);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <label className="field">
      Load a saved model (.zip, or model.json + weights.bin)
      <input type="file" multiple accept=".zip,.json,.bin" data-testid="model-files-input" disabled={busy} onChange={(e) => load(e.target.files)} />
      {error && (
        <span className="error" role="alert" data-testid="model-files-error">
          {error}
        </span>
      )}
    </label>
  );
}
