import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { downloadBlob } from './download';
import type { RestoreResult } from '../workers/restore.worker';

/** How the photo is shown: scaled to fit the page, or at 1 or 2 screen pixels per photo pixel (scrolled to pan). */
const ZOOMS = [
  { id: 'fit', label: 'Fit' },
  { id: '1', label: '1:1' },
  { id: '2', label: '2x' },
] as const;
type Zoom = (typeof ZOOMS)[number]['id'];

/**
 * The upload under the restored image, split where the user drags on the image (or with the
 * slider and arrow keys). The restored canvas keeps the photo's full size (CSS scales it), so
 * reading or downloading it gives every pixel; at 1:1 and 2x the frame scrolls to pan.
 */
export function BeforeAfter({
  beforeUrl,
  result,
  name,
  labels = ['Before', 'After'],
}: {
  beforeUrl: string;
  result: RestoreResult;
  name: string;
  /** The tags of the two sides (two models' restorations side by side, say). */
  labels?: readonly [string, string];
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [split, setSplit] = useState(50);
  const [zoom, setZoom] = useState<Zoom>('fit');
  const dragging = useRef(false);
  const frame = useRef<HTMLDivElement>(null);
  // The part of the photo the zoomed frame shows, as fractions of its size (for the thumbnail).
  const [view, setView] = useState({ x: 0, y: 0, w: 1, h: 1 });
  const readView = () => {
    const f = frame.current;
    if (!f || !f.scrollWidth) return;
    setView({ x: f.scrollLeft / f.scrollWidth, y: f.scrollTop / f.scrollHeight, w: f.clientWidth / f.scrollWidth, h: f.clientHeight / f.scrollHeight });
  };
  useEffect(readView, [zoom, result]);
  /** Centres the zoomed frame on the point of the thumbnail under the pointer. */
  function panTo(e: PointerEvent<HTMLDivElement>) {
    const f = frame.current;
    if (!f) return;
    const box = e.currentTarget.getBoundingClientRect();
    f.scrollLeft = ((e.clientX - box.left) / box.width) * f.scrollWidth - f.clientWidth / 2;
    f.scrollTop = ((e.clientY - box.top) / box.height) * f.scrollHeight - f.clientHeight / 2;
  }
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
  function moveSplit(e: PointerEvent<HTMLDivElement>) {
    const box = e.currentTarget.getBoundingClientRect();
    setSplit(Math.round(Math.min(100, Math.max(0, ((e.clientX - box.left) / box.width) * 100)) * 10) / 10);
  }
  const size =
    zoom === 'fit'
      ? { aspectRatio: `${result.width} / ${result.height}`, maxWidth: Math.min(1100, 2 * result.width) }
      : { width: result.width * Number(zoom), height: result.height * Number(zoom), maxWidth: 'none' };

  return (
    <div>
      <div ref={frame} className={zoom === 'fit' ? undefined : 'before-after-pan'} data-testid="before-after-frame" onScroll={readView}>
        <div
          className="before-after"
          style={size}
          data-testid="before-after"
          data-split={split}
          onPointerDown={(e) => {
            dragging.current = true;
            e.currentTarget.setPointerCapture(e.pointerId);
            moveSplit(e);
          }}
          onPointerMove={(e) => dragging.current && moveSplit(e)}
          onPointerUp={() => (dragging.current = false)}
          onPointerCancel={() => (dragging.current = false)}
        >
          <img src={beforeUrl} alt={`${name} as uploaded`} draggable={false} />
          <canvas ref={canvas} data-testid="restored-image" role="img" aria-label={`${name} restored`} style={{ clipPath: `inset(0 0 0 ${split}%)` }} />
          <div className="split-line" style={{ left: `${split}%` }} aria-hidden="true" />
          <span className="tag tag-left">{labels[0]}</span>
          <span className="tag tag-right">{labels[1]}</span>
        </div>
      </div>
      {zoom !== 'fit' && (
        <div
          className="navigator"
          style={{ aspectRatio: `${result.width} / ${result.height}` }}
          data-testid="before-after-navigator"
          title="The whole photo: the frame marks what is shown; click or drag to move there"
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            panTo(e);
          }}
          onPointerMove={(e) => e.buttons && panTo(e)}
        >
          <img src={beforeUrl} alt="" draggable={false} />
          <div
            className="navigator-view"
            style={{ left: `${view.x * 100}%`, top: `${view.y * 100}%`, width: `${Math.min(1, view.w) * 100}%`, height: `${Math.min(1, view.h) * 100}%` }}
          />
        </div>
      )}
      <div className="row-controls" style={{ maxWidth: Math.max(360, Math.min(1100, 2 * result.width)) }}>
        <input type="range" min={0} max={100} step={0.1} value={split} onChange={(e) => setSplit(Number(e.target.value))} aria-label="Before/after split" />
        <span role="group" aria-label="Zoom" className="zoom-buttons">
          {ZOOMS.map((z) => (
            <button
              key={z.id}
              className={zoom === z.id ? 'primary' : 'secondary'}
              aria-pressed={zoom === z.id}
              onClick={() => setZoom(z.id)}
              data-testid={`zoom-${z.id}`}
            >
              {z.label}
            </button>
          ))}
        </span>
        <button className="secondary" onClick={download} data-testid="download-png">
          Download PNG
        </button>
      </div>
      <p className="hint">Drag across the photo to move the split{zoom === 'fit' ? '' : '; scroll, or use the thumbnail, to pan'}.</p>
    </div>
  );
}
