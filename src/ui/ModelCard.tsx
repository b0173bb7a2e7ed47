// A shipped model's card (the teacher's or the autoencoder's), rendered in a dialog from its static
// MODEL_CARD.md: marked turns it into HTML and DOMPurify sanitises that (both loaded only when the
// card is opened).
import { useRef, useState } from 'react';

const WHOSE = { teacher: "The teacher's model card", autoencoder: "The clean-image autoencoder's model card" } as const;

export function ModelCardButton({ model = 'teacher' }: { model?: keyof typeof WHOSE }) {
  const cardUrl = `${import.meta.env.BASE_URL}models/${model}/MODEL_CARD.md`;
  const dialog = useRef<HTMLDialogElement>(null);
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    dialog.current?.showModal();
    if (html) return;
    try {
      const res = await fetch(cardUrl);
      if (!res.ok) throw new Error(`the page could not read its model card (HTTP ${res.status})`);
      const [{ marked }, { default: DOMPurify }, text] = await Promise.all([import('marked'), import('dompurify'), res.text()]);
      setHtml(DOMPurify.sanitize(await marked.parse(text, { gfm: true })));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <button type="button" className="link-button" onClick={() => void open()} data-testid={`model-card-open-${model}`}>
        {model === 'teacher' ? 'Model card' : WHOSE[model]}
      </button>
      <dialog ref={dialog} className="model-card" aria-label={WHOSE[model]} data-testid={`model-card-${model}`}>
        <form method="dialog" className="model-card-bar">
          <a href={cardUrl} target="_blank" rel="noreferrer">
            Markdown
          </a>
          <button className="secondary" data-testid="model-card-close">
            Close
          </button>
        </form>
        {error && <p className="error">{error}</p>}
        {!html && !error && <p className="hint">Loading the card…</p>}
        {html && <div className="model-card-body" dangerouslySetInnerHTML={{ __html: html }} />}
      </dialog>
    </>
  );
}
