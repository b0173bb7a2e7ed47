// The shipped teacher's model card, rendered in a dialog from the static MODEL_CARD.md: marked
// turns it into HTML and DOMPurify sanitises that (both loaded only when the card is opened).
import { useRef, useState } from 'react';

const CARD_URL = `${import.meta.env.BASE_URL}models/teacher/MODEL_CARD.md`;

export function ModelCardButton() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    dialog.current?.showModal();
    if (html) return;
    try {
      const res = await fetch(CARD_URL);
      if (!res.ok) throw new Error(`the page could not read its model card (HTTP ${res.status})`);
      const [{ marked }, { default: DOMPurify }, text] = await Promise.all([import('marked'), import('dompurify'), res.text()]);
      setHtml(DOMPurify.sanitize(await marked.parse(text, { gfm: true })));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <>
      <button type="button" className="link-button" onClick={() => void open()} data-testid="model-card-open">
        Model card
      </button>
      <dialog ref={dialog} className="model-card" aria-label="The teacher's model card" data-testid="model-card">
        <form method="dialog" className="model-card-bar">
          <a href={CARD_URL} target="_blank" rel="noreferrer">
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
