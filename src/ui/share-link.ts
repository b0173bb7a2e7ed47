import { useEffect, useEffectEvent } from 'react';

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
