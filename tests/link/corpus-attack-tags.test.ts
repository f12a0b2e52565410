import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { apiDocuments } from '../../src/export/api-json.ts';
import { SiteUrls } from '../../src/present/site-urls.ts';
import { renderRuleMarkdown } from '../../src/render/rule-page.ts';
import { CORPUS, loadKnowledgeBase, skipUnlessExists } from '../helpers/knowledge-base.ts';

const SIGMA = path.join(CORPUS, 'sigma');
const ATOMICS = path.join(CORPUS, 'atomic-red-team/atomics');

/** Issue 12, acceptance 1, on SigmaHQ and Atomic Red Team of 2026 (ATT&CK v19 tags) against the bundled 18.1. */
test('every attack.* tag of every corpus rule is a tactic, technique, group or software on its page and in api/rules.json', { skip: skipUnlessExists('the ATT&CK tag check', SIGMA, ATOMICS) }, () => {
  const folders = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((folder) => path.join(SIGMA, folder));
  const { kb, issues } = loadKnowledgeBase({ rules: folders, triggers: [ATOMICS] });
  const api = apiDocuments(kb, new Map(), SiteUrls.published(kb, { baseUrl: '', pathPrefix: '/' }));
  const apiRules = new Map(((api.bulk.get('api/rules.json')!.rules as unknown) as Array<{ file: string; tactics: { shortname: string }[]; techniques: { id: string }[]; groups: { id: string }[]; software: { id: string }[]; other_tags: string[] }>).map((rule) => [rule.file, rule]));
  const lost: string[] = [];
  let withoutTactic = 0;
  let withoutTacticTag = 0;
  for (const rule of kb.rules) {
    const links = kb.ruleLinks.get(rule)!;
    const document = apiRules.get(rule.relativePath)!;
    const page = renderRuleMarkdown(rule, kb, []);
    let hasTacticTag = false;
    for (const tag of rule.tags) {
      const found = kb.attack.classifyAttackTag(tag);
      if (found.kind === 'tactic') {
        hasTacticTag = true;
        if (!document.tactics.some((tactic) => tactic.shortname === found.tactic.shortname) || !page.includes(found.tactic.name)) lost.push(`${rule.relativePath}: ${tag}`);
      } else if (found.kind === 'technique' || found.kind === 'revoked-technique' || found.kind === 'deprecated-technique') {
        if (!document.techniques.some((technique) => technique.id === found.technique.id) || !page.includes(`${found.technique.id}: `)) lost.push(`${rule.relativePath}: ${tag}`);
      } else if (found.kind === 'group' || found.kind === 'software') {
        if (!document[found.kind === 'group' ? 'groups' : 'software'].some((actor) => actor.id === found.id) || !page.includes(found.id)) lost.push(`${rule.relativePath}: ${tag}`);
      } else if (found.kind === 'unknown-tactic' || found.kind === 'unknown-technique') {
        lost.push(`${rule.relativePath}: ${tag} is still unknown after linking`);
      } else if (tag.toLowerCase().startsWith('attack.') && found.kind !== 'data-source' && found.kind !== 'mitigation') {
        lost.push(`${rule.relativePath}: ${tag} is neither tactic, technique, group nor software`);
      }
    }
    if (links.tactics.length === 0) withoutTactic++;
    if (!hasTacticTag) withoutTacticTag++;
  }
  assert.deepEqual(lost, []);
  assert.equal(withoutTactic, withoutTacticTag, 'the rules without a tactic are exactly those without a tactic tag');
  const unknownWarnings = issues.filter((issue) => issue.code === 'unknown-attack-tactic' || issue.code === 'unknown-attack-technique');
  assert.equal(new Set(unknownWarnings.map((issue) => issue.message.match(/^"([^"]+)"/)![1]!.toLowerCase())).size, unknownWarnings.length, 'one warning per distinct tag');
  assert.ok(kb.coverage.technique('T1685').rules.length > 100, 'T1685 keeps its SigmaHQ rules');
  assert.equal(kb.coverage.gaps().some((gap) => gap.rolledUpRules.length > 0), false);
  console.log(`# ${kb.rules.length} rules: ${withoutTactic} without a tactic, ${withoutTacticTag} without a tactic tag; ${unknownWarnings.length} unknown-tag warnings`);
});
