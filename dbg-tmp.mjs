import { chromium } from '@playwright/test';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await b.newPage({ viewport: { width: 1400, height: 900 } });
const pop = p.locator('.driver-popover');
await p.goto('http://127.0.0.1:5199/?backend=wasm#distill');
await p.getByTestId('run-preset').selectOption('quick');
await p.getByTestId('run-steps').fill('8');
await p.goto('http://127.0.0.1:5199/?backend=wasm#lesson/3');
await pop.getByRole('status').waitFor();
await p.getByTestId('method-select').selectOption('dfl');
await pop.filter({ hasText: 'A game of two' }).getByRole('status').waitFor();
await p.getByTestId('run-start').click();
for (let i = 0; i < 8; i++) {
  await p.waitForTimeout(10000);
  console.log(i, await p.evaluate(() => [...document.querySelectorAll('[data-testid="run-monitor"]')].map((e) => `${e.dataset.state} ${e.dataset.method} gallery=${!!e.querySelector('[data-testid="train-gallery"]')}`).join('; ')), (await pop.innerText()).slice(0, 40));
}
await p.screenshot({ path: '/tmp/l3.png' });
await b.close();
