// The files of a run's artifacts (core/methods/method.ts, Artifact), in one layout for the CLI's
// `--out DIR` and the page's download: paired images in <name>/input/ and <name>/target/ (what
// `weatherkd eval --input --target` reads) with <name>/captions.json; JSON as <name>/<name>.json.

import type { RGBImage } from '../data/image';
import type { Artifact } from '../methods/method';

export type ArtifactFile = { path: string; image: RGBImage } | { path: string; text: string };

export function artifactFiles(a: Artifact): ArtifactFile[] {
  if (a.kind === 'json') return [{ path: `${a.name}/${a.name}.json`, text: `${JSON.stringify({ title: a.title, data: a.data }, null, 1)}\n` }];
  const captions = {
    title: a.title,
    input: a.inputLabel,
    target: a.targetLabel,
    ...(a.originalLabel ? { original: a.originalLabel } : {}),
    pairs: a.pairs.map((p) => ({ stem: p.stem, caption: p.caption })),
  };
  return [
    ...a.pairs.flatMap((p) => [
      { path: `${a.name}/input/${p.stem}.png`, image: p.input },
      { path: `${a.name}/target/${p.stem}.png`, image: p.target },
      ...(p.original ? [{ path: `${a.name}/original/${p.stem}.png`, image: p.original }] : []),
    ]),
    { path: `${a.name}/captions.json`, text: `${JSON.stringify(captions, null, 1)}\n` },
  ];
}

/** What the page's run record keeps of an artifact (the data stays in IndexedDB). */
export interface ArtifactInfo {
  name: string;
  title: string;
  kind: Artifact['kind'];
  /** Pairs in a 'pairs' artifact; 0 for JSON. */
  count: number;
}

export const artifactInfo = (a: Artifact): ArtifactInfo => ({ name: a.name, title: a.title, kind: a.kind, count: a.kind === 'pairs' ? a.pairs.length : 0 });
