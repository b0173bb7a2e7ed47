import { useEffect, useEffectEvent, useState } from 'react';

/**
 * A view's share link is `#VIEW?QUERY`. Every view is mounted at once, so each one takes the query
 * only when the address names it, on load and when a link is pasted into an open page, and then
 * leaves the plain `#VIEW` (the link is used once).
 */
export function useShareQuery(view: string, onQuery: (query: string) => void): void {
  const handle = useEffectEvent(onQuery);
  useEffect(() => {
    const take = () => {
      const [tab, query] = location.hash.split('?');
      if (tab !== `#${view}` || !query) return;
      history.replaceState(null, '', tab);
      handle(query);
    };
    take();
    window.addEventListener('hashchange', take);
    return () => window.removeEventListener('hashchange', take);
  }, [view]);
}

/** The "Share link" button and, once pressed, the link (also copied to the clipboard). */
export function ShareLink({ testId, title, makeUrl, note = '' }: { testId: string; title: string; makeUrl: () => string; note?: string }) {
  const [url, setUrl] = useState('');
  function onShare() {
    const next = makeUrl();
    setUrl(next);
    navigator.clipboard?.writeText(next).catch(() => undefined);
  }
  return (
    <>
      <p>
        <button className="secondary" data-testid={`${testId}-link`} onClick={onShare} title={title}>
          Share link
        </button>
      </p>
      {url && (
        <label className="field">
          Link (copied to the clipboard{note})
          <input readOnly value={url} data-testid={`${testId}-url`} onFocus={(e) => e.target.select()} />
        </label>
      )}
    </>
  );
}
