// `attack:` in atc.config.yml through the real `atc build` and `atc check` on a temporary knowledge base:
// an overlay's tactic on every page that lists tactics, a bundle's version in the summary and api/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS, FIXTURES, skipUnlessExists } from '../helpers/knowledge-base.ts';
import { IMPAIRING_RULE } from '../helpers/attack-overlay-rule.ts';
import { writeTempTree } from '../helpers/temp-files.ts';
import { atc, differentFiles, snapshot } from './cli-harness.ts';

const RULES = { 'rules/sysmon_unload.yml': IMPAIRING_RULE };
const OVERLAY = readFileSync(path.join(FIXTURES, 'attack/overlay.yml'), 'utf8');
const CONFIG = 'rules: rules\nqueries: [lucene]\n';

interface ApiRules {
  readonly attack_version: string;
  readonly rules: ReadonlyArray<{ readonly title: string; readonly url: string; readonly tactics: ReadonlyArray<{ readonly id: string }> }>;
}

const apiRules = (site: string): ApiRules => JSON.parse(readFileSync(path.join(site, 'api/rules.json'), 'utf8')) as ApiRules;
/** A site path such as "/rules/x/" as the file Eleventy wrote. */
const pageFile = (site: string, url: string): string => path.join(site, url, 'index.html');

test('atc build with an overlay: the tactic page /tactics/TA0112/ lists the rule, the rule page links it, api/rules.json gives TA0112', (t) => {
  const root = writeTempTree(t, { 'atc.config.yml': `${CONFIG}attack:\n  overlay: overlay.yml\n`, 'overlay.yml': OVERLAY, ...RULES });
  const result = atc(['build'], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /^ {2}ATT&CK 18\.1 (?:\([^)\n]*\) )?from the committed snapshot, with the overlay overlay\.yml\b/m);
  const site = path.join(root, '_site');
  const [rule] = apiRules(site).rules;
  assert.deepEqual(rule!.tactics.map((tactic) => tactic.id), ['TA0112']);
  const tacticPage = readFileSync(pageFile(site, '/tactics/TA0112/'), 'utf8');
  assert.match(tacticPage, /<h1[^>]*>[^<]*TA0112: Defense Impairment/);
  assert.ok(tacticPage.includes(`href="${rule!.url}"`), 'the tactic page links the rule');
  assert.ok(readFileSync(pageFile(site, rule!.url), 'utf8').includes('href="/tactics/TA0112/"'), 'the rule page links the tactic');
  const matrix = readFileSync(pageFile(site, '/matrix/'), 'utf8');
  const columns = [...matrix.matchAll(/\/tactics\/(TA\d{4})\//g)].map((match) => match[1]);
  const order = [...new Set(columns)];
  assert.equal(order.indexOf('TA0112'), order.indexOf('TA0005') + 1, order.join(' '));
});

test('an invalid overlay fails atc check and atc build at its line:col; the previous site stays', (t) => {
  const root = writeTempTree(t, { 'atc.config.yml': `${CONFIG}attack:\n  overlay: overlay.yml\n`, 'overlay.yml': OVERLAY, ...RULES });
  assert.equal(atc(['build'], root).status, 0);
  const before = snapshot(path.join(root, '_site'));
  writeFileSync(path.join(root, 'overlay.yml'), OVERLAY.replace('after: defense-evasion', 'after: defence-evasion'));
  const check = atc(['check', '--quiet'], root);
  assert.equal(check.status, 1, check.stdout);
  assert.match(check.stdout, /^overlay\.yml:7:12 error field-value after: no tactic "defence-evasion"/m);
  const build = atc(['build'], root);
  assert.equal(build.status, 1, build.stderr);
  assert.match(build.stderr, /^overlay\.yml:7:12 error field-value /m);
  assert.match(build.stderr, /nothing written/);
  assert.deepEqual(differentFiles(before, snapshot(path.join(root, '_site'))), []);
});

test('a missing overlay or a bundle that is not STIX is an error at its key in atc.config.yml', (t) => {
  const root = writeTempTree(t, { 'atc.config.yml': `${CONFIG}attack:\n  overlay: overlay.yml\n`, 'not-stix.json': '{"objects": []}', ...RULES });
  const missing = atc(['check', '--quiet'], root);
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /^atc\.config\.yml:4:12 error input-missing attack\.overlay: no file "overlay\.yml"/m);
  writeFileSync(path.join(root, 'atc.config.yml'), `${CONFIG}attack:\n  bundle: not-stix.json\n`);
  const notStix = atc(['build'], root);
  assert.equal(notStix.status, 1);
  assert.match(notStix.stderr, /^atc\.config\.yml:4:11 error config-invalid attack\.bundle: not-stix\.json: not a STIX object/m);
});

test('atc build with attack.bundle uses the bundle: its version in the summary and api/, its tactics on the rules', (t) => {
  const root = writeTempTree(t, { 'atc.config.yml': `${CONFIG}attack:\n  bundle: ${JSON.stringify(path.join(FIXTURES, 'attack/small-bundle.json'))}\n`, ...RULES });
  const result = atc(['build'], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /^ {2}ATT&CK 97\.3 (?:\([^)\n]*\) )?from the bundle [^\n]*small-bundle\.json\b/m);
  const api = apiRules(path.join(root, '_site'));
  assert.equal(api.attack_version, '97.3');
  assert.deepEqual(api.rules[0]!.tactics.map((tactic) => tactic.id), ['TA0112'], 'the bundle knows defense-impairment');
  assert.match(readFileSync(path.join(root, '_site/index.html'), 'utf8'), /ATT&amp;CK 97\.3/);
});

const SHARED_BUNDLE = path.join(CORPUS, 'attack/enterprise-attack-18.1.json');
test('atc build with the 33 MB ATT&CK 18.1 bundle of ../shared as attack.bundle', { skip: skipUnlessExists('the bundle build', SHARED_BUNDLE) }, (t) => {
  const root = writeTempTree(t, { 'atc.config.yml': `${CONFIG}attack:\n  bundle: ${JSON.stringify(SHARED_BUNDLE)}\n  version: "18.1"\n`, ...RULES });
  const result = atc(['build'], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /^ {2}ATT&CK 18\.1 (?:\([^)\n]*\) )?from the bundle [^\n]*enterprise-attack-18\.1\.json\b/m);
  const time = /time: .*\(load ([\d.]+),/.exec(result.stderr);
  t.diagnostic(`load stage with the bundle: ${time?.[1]} s (${/time: [^\n]*/.exec(result.stderr)?.[0]})`);
});
