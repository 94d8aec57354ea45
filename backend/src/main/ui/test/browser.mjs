// Browser tests of the web UI against a running backend with seeded data (see WebUiBrowserIT).
// One chromium for the whole suite; each step leaves a screenshot in $PEREGRINE_ARTIFACTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.PEREGRINE_URL;
const ADMIN = process.env.PEREGRINE_ADMIN_TOKEN;
const ACCESS_KEY = process.env.PEREGRINE_ACCESS_KEY;
const ARTIFACTS = process.env.PEREGRINE_ARTIFACTS ?? 'target/ui-screenshots';
if (!BASE || !ADMIN || !ACCESS_KEY) throw new Error('set PEREGRINE_URL, PEREGRINE_ADMIN_TOKEN and PEREGRINE_ACCESS_KEY');
mkdirSync(ARTIFACTS, { recursive: true });

let browser, page;
const offOrigin = [];
const consoleErrors = [];

async function api(method, path, body, token = ADMIN) {
  const res = await fetch(BASE + path, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const shot = (name, p = page) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });

function watch(p) {
  p.on('request', (r) => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:')) offOrigin.push(r.url()); });
  p.on('console', (m) => { if (m.type() === 'error' && !/the server responded with a status of 4\d\d/.test(m.text())) consoleErrors.push(m.text()); });
  p.on('pageerror', (e) => consoleErrors.push(String(e)));
}

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    // launch() gives chromium a fresh temporary --user-data-dir of its own and deletes it on close.
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  // Generous: the suite shares a small machine with other builds.
  page.setDefaultTimeout(20_000);
  watch(page);
});

after(async () => {
  await browser?.close();
});

test('a wrong token gets a clear error; the admin token signs in and stays in session storage only', async () => {
  await page.goto(BASE + '/');
  await page.getByLabel('Admin token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const error = page.getByRole('alert');
  await error.waitFor();
  assert.match(await error.textContent(), /did not accept this token/);
  await shot('01-signin-wrong-token');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);

  await page.getByLabel('Admin token').fill(ADMIN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('peregrine.adminToken')), ADMIN);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
});

test('alerts are listed newest first with charts by priority and by rule', async () => {
  await page.locator('table.alerts tbody tr[data-id]').first().waitFor();
  const ids = await page.locator('table.alerts tbody tr[data-id]').evaluateAll((rows) => rows.map((r) => r.dataset.id));
  assert.equal(ids.length, 31);
  assert.equal(ids[0], 'seed-newest-miner');
  assert.deepEqual(ids.slice(1, 4), ['seed-0', 'seed-1', 'seed-2']);
  const times = await page.locator('table.alerts tbody tr[data-id] time').evaluateAll((t) => t.map((x) => x.getAttribute('datetime')));
  assert.deepEqual([...times].sort().reverse(), times);
  await page.locator('figure.chart svg rect').first().waitFor();
  const charts = await page.locator('figure.chart svg').evaluateAll((s) => s.map((x) => x.getAttribute('aria-label')));
  assert.equal(charts.length, 2);
  assert.match(charts[0], /31 alerts/);
  assert.match(charts[0], /Critical 13/);
  assert.match(charts[1], /Detect crypto miners using the Stratum protocol 7/);
  // Seeded output contains markup; it must show as text.
  assert.equal(await page.locator('table.alerts script').count(), 0);
  await shot('02-alerts');
});

test('filters narrow the table: priority, cluster, container, rule, text, time range', async () => {
  const rows = page.locator('table.alerts tbody tr[data-id]');
  const apply = async (fill) => {
    const before = await rows.evaluateAll((r) => r.map((x) => x.dataset.id).join());
    await fill();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForFunction((b) => [...document.querySelectorAll('table.alerts tbody tr')].map((x) => x.dataset.id ?? '').join() !== b, before);
    return rows.evaluateAll((r) => r.map((x) => x.dataset.id));
  };
  let ids = await apply(() => page.getByLabel('Priority', { exact: true }).selectOption('critical'));
  assert.equal(ids.length, 13);
  ids = await apply(() => page.getByLabel('Cluster', { exact: true }).fill('prod'));
  assert.deepEqual(ids, ['seed-newest-miner', 'seed-3', 'seed-8', 'seed-13', 'seed-18', 'seed-23', 'seed-28']);
  ids = await apply(() => page.getByLabel('Container', { exact: true }).fill('miner'));
  assert.equal(ids.length, 6);
  assert.ok(!ids.includes('seed-newest-miner'));
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.alerts tbody tr[data-id]').length === 31);
  ids = await apply(() => page.getByLabel('Task family', { exact: true }).fill('worker'));
  assert.deepEqual(ids, ['seed-2', 'seed-7', 'seed-12', 'seed-17', 'seed-22', 'seed-27']);
  await page.getByLabel('Task family', { exact: true }).fill('');
  ids = await apply(() => page.getByLabel('Free text', { exact: true }).fill('seq=1)'));
  assert.deepEqual(ids, ['seed-1']);
  await page.getByLabel('Free text', { exact: true }).fill('');
  ids = await apply(() => page.getByLabel('Rule', { exact: true }).fill('Clear Log Activities'));
  assert.equal(ids.length, 6);
  await page.getByLabel('Rule', { exact: true }).fill('');
  ids = await apply(() => page.getByLabel('Time range', { exact: true }).selectOption('1h'));
  assert.deepEqual(ids, ['seed-newest-miner', 'seed-0', 'seed-1', 'seed-2', 'seed-3', 'seed-4', 'seed-5']);
  await shot('03-alerts-filtered');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.alerts tbody tr[data-id]').length === 31);
});

test('the detail panel shows output fields, process ancestry, actions and workload', async () => {
  await page.locator('tr[data-id="seed-newest-miner"]').click();
  const detail = page.getByRole('complementary');
  await detail.getByRole('heading', { name: 'Detect crypto miners using the Stratum protocol' }).waitFor();
  const ancestry = await detail.locator('ol.ancestry > li').allTextContents();
  assert.equal(ancestry.length, 4);
  assert.match(ancestry[0], /process xmrig \(pid 7777\)xmrig -o stratum/);
  assert.match(ancestry[1], /parent sh \(pid 7700\)sh -c curl/);
  assert.match(ancestry[3], /ancestor 3 peregrine-agent \(pid 1\)/);
  assert.deepEqual(await detail.locator('section:has(#d-actions) li').allTextContents(), ['notify', 'kill_process']);
  assert.match(await detail.textContent(), /Policy: block-miners/);
  const workload = await detail.locator('section:has(#d-workload) dl').textContent();
  for (const v of ['prod', 'checkout', 'checkout-api', 'arn:aws:ecs:eu-west-1:123456789012:task/prod/abc', 'eu-west-1b']) assert.ok(workload.includes(v), v);
  const fields = await detail.locator('table.fields tbody tr').allTextContents();
  assert.equal(fields.length, 11);
  assert.ok(fields.includes('fd.name10.0.0.5:41000->203.0.113.9:3333'));
  assert.match(await detail.locator('.output-full').textContent(), /<script>alert\(1\)<\/script>/);
  await shot('04-alert-detail');
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'hidden' });
});

test('new alerts appear on top without a reload', async () => {
  const alert = {
    id: 'live-1', time: new Date().toISOString(), rule: 'Terminal shell in container', priority: 'Error',
    output: 'A shell arrived while watching', output_fields: { 'proc.name': 'zsh' }, workload: { cluster: 'prod', container_name: 'app' },
  };
  const res = await fetch(BASE + '/api/v1/events', {
    method: 'POST', headers: { Authorization: `Bearer ${ACCESS_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify([alert]),
  });
  assert.equal(res.status, 200);
  await page.waitForFunction(() => document.querySelector('table.alerts tbody tr')?.dataset.id === 'live-1', null, { timeout: 12_000 });
  assert.match(await page.getByRole('status').first().textContent(), /1 new/);
});

test('agents view lists the orchestrator, its agents, versions and compatibility warnings', async () => {
  await page.getByRole('link', { name: 'Agents' }).click();
  const card = page.getByRole('region', { name: /Orchestrator orch-eu-1/ });
  await card.waitFor();
  assert.match(await card.textContent(), /Version0\.1\.0/);
  assert.match(await card.textContent(), /3 batches waiting/);
  const rows = card.locator('tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /prod\/task-1\/app0\.1\.01prod \/ web \/ app.*compatible/);
  assert.match(await rows.nth(1).textContent(), /speaks protocol 2; this release speaks 1/);
  await shot('05-agents');
});

test('policies: disable and enable, edit actions and scope', async () => {
  await page.getByRole('link', { name: 'Policies and rules' }).click();
  const toggle = page.getByRole('switch', { name: 'Enable policy default' });
  await toggle.waitFor();
  assert.equal(await toggle.isChecked(), true);
  await toggle.uncheck();
  await page.getByText('Policy default disabled.').waitFor();
  assert.equal((await api('GET', '/api/v1/policies/default')).json.enabled, false);
  await page.getByRole('switch', { name: 'Enable policy default' }).check();
  await page.getByText('Policy default enabled.').waitFor();
  assert.equal((await api('GET', '/api/v1/policies/default')).json.enabled, true);

  await page.getByRole('button', { name: 'Edit policy block-miners' }).click();
  const form = page.locator('form.editor');
  await form.getByLabel(/kill_task/).check();
  await form.getByLabel('task family').fill('batch');
  await shot('06-policy-edit');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await page.getByText('Policy block-miners saved.').waitFor();
  const saved = (await api('GET', '/api/v1/policies/block-miners')).json;
  assert.deepEqual(saved.actions, ['notify', 'kill_process', 'kill_task']);
  assert.deepEqual(saved.scope, { cluster: 'prod', task_family: 'batch' });
  assert.match(await page.locator('tr[data-policy="block-miners"]').textContent(), /cluster=prod, task_family=batch/);
});

test('a broken rules file is refused with its error shown at line and column; a good one is stored', async () => {
  const upload = page.locator('form.upload');
  await upload.getByLabel('File name').fill('custom_rules.yaml');
  await upload.getByLabel('Or paste YAML').fill('- rule: broken\n  desc: a rule that does not parse\n  condition: [unclosed\n  output: x\n  priority: WARNING\n');
  await upload.getByRole('button', { name: 'Upload' }).click();
  const problems = upload.locator('.diagnostics li.diag.error');
  await problems.first().waitFor();
  const text = await problems.first().textContent();
  const pos = text.match(/custom_rules\.yaml:(\d+):(\d+)/);
  assert.ok(pos, text);
  assert.ok(Number(pos[1]) >= 3, text);
  const excerpt = await problems.first().locator('pre.excerpt').textContent();
  const [line, caret] = excerpt.split('\n');
  assert.ok(line.startsWith(`${String(pos[1]).padStart(4)} | `), excerpt);
  assert.equal(caret.indexOf('^') - 7, Number(pos[2]) - 1, excerpt);
  assert.match(await upload.textContent(), /Not stored: the rules do not load/);
  await problems.first().scrollIntoViewIfNeeded();
  await shot('07-rules-upload-error');
  assert.equal((await api('GET', '/api/v1/rules-files/custom_rules.yaml')).status, 404);

  await upload.getByLabel('Or paste YAML').fill('- macro: peregrine_ui_test_macro\n  condition: proc.name = bash\n');
  await upload.getByRole('button', { name: 'Upload' }).click();
  await upload.getByText(/Stored custom_rules\.yaml/).waitFor();
  await page.getByRole('rowheader', { name: 'custom_rules.yaml' }).waitFor();

  // A second file that needs the macro: deleting the first is refused with the reason.
  await upload.getByLabel('File name').fill('uses_macro.yaml');
  await upload.getByLabel('Or paste YAML').fill('- rule: UI test rule using the macro\n  desc: d\n  condition: evt.type = execve and peregrine_ui_test_macro\n  output: o\n  priority: WARNING\n');
  await upload.getByRole('button', { name: 'Upload' }).click();
  await upload.getByText(/Stored uses_macro\.yaml/).waitFor();
  await page.getByRole('button', { name: 'Delete rules file custom_rules.yaml' }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'custom_rules.yaml was not deleted' });
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /uses_macro\.yaml:3:\d+/);
  await shot('08-rules-delete-refused');
  await page.getByRole('button', { name: 'Delete rules file uses_macro.yaml' }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await page.getByText('Rules file uses_macro.yaml deleted.').waitFor();
  await page.getByRole('button', { name: 'Delete rules file custom_rules.yaml' }).click();
  await page.getByRole('button', { name: 'Confirm delete' }).click();
  await page.getByText('Rules file custom_rules.yaml deleted.').waitFor();
  assert.deepEqual((await api('GET', '/api/v1/rules-files')).json.rules_files.map((f) => f.name), ['falco_rules.yaml']);
});

test('rules: listed with position and covering policies, switched off and on through the switches file', async () => {
  await page.getByLabel('Find rules').fill('Terminal shell in container');
  const row = page.locator('tr[data-rule="Terminal shell in container"]');
  await row.waitFor();
  assert.match(await row.textContent(), /Notice/);
  assert.match(await row.textContent(), /falco_rules\.yaml:\d+/);
  assert.match(await row.textContent(), /default/);
  await row.getByRole('switch').uncheck();
  await page.getByText('Rule Terminal shell in container disabled.').waitFor();
  const rules = (await api('GET', '/api/v1/rules')).json.rules;
  assert.equal(rules.find((r) => r.name === 'Terminal shell in container').enabled, false);
  assert.ok(rules.filter((r) => r.enabled).length > 10);
  await page.getByRole('rowheader', { name: 'ui_rule_switches.yaml' }).waitFor();
  await shot('09-rule-switched-off');
  await page.locator('tr[data-rule="Terminal shell in container"]').getByRole('switch').check();
  await page.getByText('Rule Terminal shell in container enabled.').waitFor();
  assert.equal((await api('GET', '/api/v1/rules')).json.rules.find((r) => r.name === 'Terminal shell in container').enabled, true);
});

test('access keys: a new key is shown once, listed by prefix, and revoked', async () => {
  await page.getByRole('link', { name: 'Access keys' }).click();
  await page.getByLabel('Name').fill('ui-created');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = page.getByLabel('Secret of key ui-created');
  await secret.waitFor();
  const key = await secret.inputValue();
  assert.match(key, /^pgk_/);
  await shot('10-key-created');
  const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'ui-created' }) });
  await row.waitFor();
  assert.ok(!(await row.textContent()).includes(key), 'the list must not show the secret');
  assert.equal((await api('GET', '/api/v1/bundle', undefined, key)).status, 200);

  await page.getByRole('button', { name: 'Done' }).click();
  assert.equal(await page.getByLabel('Secret of key ui-created').count(), 0);
  await page.getByRole('button', { name: 'Revoke key ui-created' }).click();
  await row.getByRole('button', { name: 'Confirm revoke' }).click();
  await page.getByText('Key ui-created revoked').waitFor();
  await page.locator('tr', { has: page.getByRole('rowheader', { name: 'ui-created' }) }).getByText('revoked').first().waitFor();
  assert.equal((await api('GET', '/api/v1/bundle', undefined, key)).status, 401);
  await shot('11-key-revoked');
});

test('usable on a narrow screen: no sideways scrolling, detail takes the screen', async () => {
  const narrow = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const p = await narrow.newPage();
  p.setDefaultTimeout(20_000);
  watch(p);
  await p.goto(BASE + '/');
  await p.evaluate((t) => sessionStorage.setItem('peregrine.adminToken', t), ADMIN);
  await p.goto(BASE + '/#/alerts');
  await p.locator('table.alerts tbody tr[data-id]').first().waitFor();
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await shot('12-narrow-alerts', p);
  await p.locator('tr[data-id="seed-newest-miner"] button').click();
  await p.getByRole('complementary').waitFor();
  const box = await p.getByRole('complementary').boundingBox();
  assert.ok(box.width >= 380, JSON.stringify(box));
  await shot('13-narrow-detail', p);
  await p.getByRole('button', { name: 'Close details' }).click();
  await p.getByRole('link', { name: 'Agents' }).click();
  await p.getByRole('region', { name: /Orchestrator orch-eu-1/ }).waitFor();
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth) <= 0);
  await shot('14-narrow-agents', p);
  await narrow.close();
});

test('sign out clears the token; the page asked nothing of any other origin and logged no errors', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Admin token').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('peregrine.adminToken')), null);
  assert.deepEqual(offOrigin, []);
  assert.deepEqual(consoleErrors, []);
});
