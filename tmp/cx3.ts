import { RESTORER_PRESETS, type RestorerConfig } from '../src/core/models/restorer-config';
import { restorerComplexity } from '../src/core/models/complexity';
const base = RESTORER_PRESETS.teacher;
const T = restorerComplexity({...base, widths: [24,48,96,192], encoderBlocks: [1,1,1,1], decoderBlocks: [1,1,1]});
console.log('T', T.params, T.flopsPerPixel);
const res: [number, string][] = [];
const ws = [4,6,8,10,12,16,20,24,32,40,48,64,80,96];
for (const w0 of [6,8,10,12]) for (const w1 of ws) for (const w2 of ws) for (const w3 of ws) {
  if (!(w0<=w1 && w1<=w2 && w2<=w3)) continue;
  for (const eb of [[1,1,1,1],[0,1,1,1],[1,1,2,1],[1,1,1,2],[1,1,2,2]]) for (const db of [[1,1,1],[0,1,1],[1,1,2]]) {
    const c = {...base, widths:[w0,w1,w2,w3], encoderBlocks: eb, decoderBlocks: db} as RestorerConfig;
    const x = restorerComplexity(c); const r = x.flopsPerPixel/T.flopsPerPixel;
    for (const target of [0.10, 0.05]) if (Math.abs(r-target) < 0.002) res.push([target, `${(r*100).toFixed(2)}% params ${x.params} (${(x.params/T.params*100).toFixed(1)}%) w=${c.widths} eb=${eb} db=${db}`]);
  }
}
for (const t of [0.1,0.05]) { const r = res.filter(x=>x[0]===t).map(x=>x[1]); console.log(t, r.length); r.filter(s=>/eb=1,1,1,1 db=1,1,1/.test(s)).slice(0,40).forEach(s=>console.log(s)); }
