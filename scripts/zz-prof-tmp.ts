import { renderScene, renderDeadLeaves } from '../src/core/data/clean.ts';
const t = (f: () => void, n: number) => { const t0 = performance.now(); for (let i = 0; i < n; i++) f(); return ((performance.now() - t0) / n).toFixed(2); };
let k = 0;
for (let r = 0; r < 3; r++) console.log('dl64', t(() => renderDeadLeaves(64, 64, k++), 100), 'dl256', t(() => renderDeadLeaves(256, 256, k++), 10), 'sc64', t(() => renderScene(64, 64, k++), 100), 'sc256', t(() => renderScene(256, 256, k++), 10));
