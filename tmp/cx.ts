import { RESTORER_PRESETS, type RestorerConfig } from '../src/core/models/restorer-config';
import { restorerComplexity } from '../src/core/models/complexity';
const t = restorerComplexity(RESTORER_PRESETS.teacher);
const show = (n: string, c: RestorerConfig) => { const x = restorerComplexity(c); console.log(n, x.params, Math.round(x.flopsPerPixel), (x.flopsPerPixel/t.flopsPerPixel*100).toFixed(2)+'%', (x.params/t.params*100).toFixed(1)+'%', x.flopsPerPixelByLevel.map(Math.round), x.paramsByLevel); };
for (const [n, c] of Object.entries(RESTORER_PRESETS)) show(n, c);
