import { readImage } from '../src/cli/image-io';
import { encodePng } from '../src/cli/test-helpers';
import { writeFileSync } from 'node:fs';
const png = encodePng(5, 3, 2, 8, new Uint8Array(45).fill(7));
for (const n of [40, 50, 60, png.length - 12, png.length - 5]) { writeFileSync('/tmp/wkd-exp/cut.png', png.subarray(0, n)); await readImage('/tmp/wkd-exp/cut.png').then(() => console.log(n, 'ok'), (e) => console.log(n, png.length, e.message)); }
