import { useEffect, useRef, useState } from 'react';
import { downloadBlob } from './download';
import type { RestoreResult } from '../workers/restore.worker';

/**
 * The upload under the restored image, split by a slider. The restored canvas keeps the photo's
 * full size (CSS scales it to fit), so reading or downloading it gives every pixel.
 */
export function BeforeAfter({ beforeUrl, result, name }: { beforeUrl: string; result: RestoreResult; name: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [split, setSplit] = useState(50);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    c.width = result.width;
    c.height = result.height;
    c.getContext('2d')!.putImageData(new ImageData(result.rgba, result.width, result.height), 0, 0);
  }, [result]);

  function download() {
    canvas.current?.toBlob((blob) => blob && downloadBlob(blob, `${name.replace(/\.[^.]+$/, '')}-restored.png`), 'image/png');
  }

  return (
    <div>
      <div className="before-after" style={{ aspectRatio: `${result.width} / ${result.height}`, maxWidth: Math.min(1100, 2 * result.width) }}>
        <img src={beforeUrl} alt={`${name} as uploaded`} draggable={false} />
        <canvas ref={canvas} data-testid="restored-image" role="img" aria-label={`${name} restored`} style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
        <div className="split-line" style={{ left: `${split}%` }} aria-hidden="true" />
        <span className="tag tag-left">Before</span>
        <span className="tag tag-right">After</span>
      </div>
      <div className="row-controls">
        <input type="range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} aria-label="Before/after split" />
        <button className="secondary" onClick={download} data-testid="download-png">
          Download PNG
        </button>
      </div>
    </div>
  );
}
