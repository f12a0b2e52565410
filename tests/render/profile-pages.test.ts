// Coverage profile and use-case pages (HTML and markdown), the rule pages' "Runs in" row, the rule list's
// profile facet and the search records, on the sample knowledge base: its own profiles, customer file and
// use case, plus a profile and a use case made by hand (tests/helpers/profile-fixture.ts) whose text is hostile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { load } from 'cheerio';
import { buildKnowledgeBase } from '../../src/build.ts';
import { computeProfileCoverage } from '../../src/link/profile-coverage.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { renderSitePages, siteModel, type SiteBuild } from '../../src/render/html/site-pages.ts';
import { filterRuleList, LEVEL_ORDER, ruleListIndex } from '../../src/present/rule-list-index.ts';
import { ruleListIndexFile } from '../../src/render/html/rule-list-pages.ts';
import { renderPageDocument, siteChrome } from '../../src/render/html/page-document.ts';
import { renderMarkdownPages } from '../../src/render/render-markdown-pages.ts';
import { PARTIAL_RULES_SHOWN, partialRulesShown, profileSite } from '../../src/present/profile-view.ts';
import { walkMarkdownLinks } from '../../src/check/markdown-links.ts';
import { handMadeProfile, handMadeUseCase } from '../helpers/profile-fixture.ts';
import { PROJECT } from '../site/browser.ts';

const build = buildKnowledgeBase(loadConfig({ configFile: path.join(PROJECT, 'atc.config.yml') }).config, { exports: false });
const { kb } = build;
const sysmon = build.profiles.find((profile) => profile.key === 'sysmon-everywhere')!;
const sampleUseCase = build.useCases[0]!;
const useCase = handMadeUseCase('UC_0099_hostile', 'Credential <b>dumping</b>', {
  rules: [kb.rules[0]!.title, 'no such rule'],
  dataNeeded: [sysmon.available[0]!.title],
  description: 'Watch <img src=x onerror=alert(1)> LSASS',
});
const hostile = handMadeProfile(kb, 'hostile', 'Sysmon <script>alert(1)</script> everywhere', sysmon.available, { description: 'All Windows hosts run <b>Sysmon</b>', useCases: [useCase] });
const profiles = [...build.profiles, hostile];
// The hand-made use case is resolved by the computation, as the build resolves the sample's.
const useCases = [...build.useCases, useCase];
const { useCaseMembers } = computeProfileCoverage({ kb, profiles: [], useCases, conversions: () => undefined });
const siteBuild: SiteBuild = { ...build, profiles, useCases, useCaseMembers };
const site = renderSitePages(siteBuild);
const page = (url: string) => {
  const pending = site.pages.find((candidate) => candidate.url === url);
  assert.ok(pending, `a page at ${url}`);
  return pending.render();
};
const $page = (url: string) => load(page(url).body.value);

describe('a profile page', () => {
  const $ = $page('/profiles/sysmon-everywhere/');

  test('states the counts, each linked to the rule list filtered to the profile and status', () => {
    const summary = $('#summary').closest('section');
    const row = (label: string) => summary.find('th').filter((_, cell) => $(cell).text() === label).next();
    assert.equal(row('Runnable rules').text(), `${sysmon.counts.runnable} rules`);
    assert.equal(row('Runnable rules').find('a').attr('href'), '/rules/?profile=sysmon-everywhere&runnable=yes');
    assert.equal(row('Partly runnable rules').find('a').attr('href'), '/rules/?profile=sysmon-everywhere&runnable=partial');
    assert.equal(row('Not runnable rules').text(), `${sysmon.counts.notRunnable} rules`);
    assert.ok(sysmon.counts.runnable > 0 && sysmon.counts.partial > 0 && sysmon.counts.notRunnable > 0, 'the sample profile has rules of every kind');
  });

  test('draws the ATT&CK matrix with the profile’s runnable rules, column by column as the per-tactic table counts', () => {
    const perTactic = new Map($('#coverage-per-tactic').closest('section').find('tbody tr').map((_, row) => [[$(row).find('th').text(), $(row).find('td').text()]]).get() as [string, string][]);
    assert.equal(perTactic.size, kb.attack.tactics.length);
    for (const tactic of kb.attack.tactics) {
      const column = $(`#matrix-${tactic.id}`).find('.muted').text(); // covered/techniques
      assert.equal(perTactic.get(tactic.name)!.split(' / ')[0], column.split('/')[0], tactic.name);
      assert.equal(perTactic.get(tactic.name)!.split(' / ')[1], String(kb.coverage.tactic(tactic).covered));
    }
    // A cell counts the profile's runnable rules on its technique, not the knowledge base's rules.
    const runnable = new Set(sysmon.rules.filter((entry) => entry.status === 'runnable').map((entry) => entry.rule));
    const technique = kb.coverage.pageTechniques.find((candidate) => kb.coverage.technique(candidate.id).rolledUpRules.some((rule) => !runnable.has(rule)) && kb.coverage.technique(candidate.id).rolledUpRules.some((rule) => runnable.has(rule)));
    if (technique) {
      const expected = kb.coverage.technique(technique.id).rolledUpRules.filter((rule) => runnable.has(rule)).length;
      const cell = $(`.matrix a.cell[href="/techniques/${technique.id}/"]`).first();
      assert.equal(cell.find('.cell-count').text().replace('⚠', '').trim(), String(expected));
    }
  });

  test('lists what to enable next with links, and charts the cumulative runnable rules as an accessible SVG', () => {
    const rows = $('#enable-next').closest('section').find('tbody tr');
    assert.equal(rows.length, sysmon.enableNext.length);
    const first = sysmon.enableNext[0]!;
    assert.equal(rows.first().find('td').eq(2).find('a').attr('href'), `/${first.kind === 'logging_policy' ? 'logging-policies' : 'data-needed'}/${kb.addresses.pageName(first.entity)}/`);
    assert.equal(rows.first().find('td').eq(5).text(), String(first.runnableAfter));
    const svg = $('svg.enable-chart');
    assert.equal(svg.attr('role'), 'img');
    assert.match(svg.find('title').text(), new RegExp(`^Runnable rules now and after each step: ${[sysmon.counts.runnable, ...sysmon.enableNext.map((step) => step.runnableAfter)].join(', ')}$`));
    assert.equal(svg.find('polyline').attr('points')!.split(' ').length, sysmon.enableNext.length + 1);
    assert.equal(svg.find('script, foreignObject').length, 0);
  });

  test('names what each partly runnable rule lacks, most severe first, and lists the gaps', () => {
    const partial = sysmon.rules.filter((entry) => entry.status === 'partial');
    const items = $('#partly-runnable-rules').closest('section').find('ul.rule-list > li');
    assert.equal(items.length, partial.length);
    assert.deepEqual(items.map((_, item) => $(item).children('a').first().text()).get(), partialRulesShown(sysmon).shown.map((entry) => entry.rule.title));
    // A large knowledge base's page details the PARTIAL_RULES_SHOWN most severe and leaves the rest to the rule list.
    const many = { ...hostile, rules: Array.from({ length: PARTIAL_RULES_SHOWN }, () => hostile.rules).flat() };
    const capped = partialRulesShown(many);
    assert.equal(capped.total, hostile.counts.partial * PARTIAL_RULES_SHOWN);
    assert.ok(new Set(hostile.rules.filter((entry) => entry.status === 'partial').map((entry) => entry.rule.level)).size > 1, 'partial rules of several levels');
    assert.equal(capped.shown.length, PARTIAL_RULES_SHOWN);
    const levels = capped.shown.map((entry) => LEVEL_ORDER.indexOf(entry.rule.level!));
    assert.deepEqual(levels, [...levels].sort((a, b) => a - b));
    assert.ok(partial.length > 0, 'the sample profile has partly runnable rules');
    {
      const firstText = items.first().text();
      assert.ok(firstText.includes(partial[0]!.rule.title));
      assert.match(firstText, /fields missing from|log source not collected/);
    }
    assert.equal($('#gaps').closest('section').find('a[href^="/techniques/"]').length, sysmon.gaps.length);
  });

  test('escapes the profile’s own text', () => {
    const document = page('/profiles/hostile/').body.value;
    assert.ok(!document.includes('<script>alert(1)') && !document.includes('<b>Sysmon'));
    assert.equal($page('/profiles/hostile/')('h1').text(), hostile.profile.title);
  });
});

test('/profiles/ puts the profiles side by side, one column each', () => {
  const $ = $page('/profiles/');
  assert.deepEqual($('thead th').slice(1).map((_, cell) => $(cell).text()).get(), profiles.map((profile) => profile.profile.title));
  const runnable = $('tbody tr').first().find('td').map((_, cell) => $(cell).text()).get();
  assert.deepEqual(runnable, profiles.map((profile) => `${profile.counts.runnable} rules`));
});

test('a use case page lists its rules and Data Needed that exist, and each profile’s share of it', () => {
  const sample = $page('/use-cases/UC_0001_credential_dumping/');
  assert.equal(sample('h1').text(), sampleUseCase.name);
  const listing = sample('#in-the-profiles').closest('section').find('tbody tr');
  assert.deepEqual(listing.map((_, row) => sample(row).find('td').first().text()).get(), profiles.map((profile) => (profile.useCases.includes(sampleUseCase) ? 'yes' : 'no')));
  assert.ok(listing.first().find('td').first().text() === 'yes' || profiles.some((profile) => profile.useCases.includes(sampleUseCase)), 'a sample profile lists the use case');
  const $ = $page('/use-cases/UC_0099_hostile/');
  assert.equal($('h1').text(), 'Credential <b>dumping</b>');
  const rulesRow = $('th').filter((_, cell) => $(cell).text() === 'Detection rules').next();
  assert.equal(rulesRow.find('a').first().text(), kb.rules[0]!.title);
  assert.ok(!rulesRow.text().includes('no such rule'));
  const inProfiles = $('#in-the-profiles').closest('section').find('tbody tr');
  assert.equal(inProfiles.length, profiles.length);
  assert.equal(inProfiles.first().find('td').first().text(), 'no');
  assert.equal(inProfiles.last().find('td').first().text(), 'yes');
  assert.ok(!page('/use-cases/UC_0099_hostile/').body.value.includes('<img'));
  assert.equal($page('/use-cases/')('tbody tr').length, 2);
});

describe('rule pages', () => {
  const row = (rule: (typeof kb.rules)[number], built = site) => {
    const rendered = built.pages.find((candidate) => candidate.url === built.context.urls.pathRule(rule))!.render();
    const $ = load(rendered.body.value);
    return $('th').filter((_, cell) => $(cell).text() === 'Runs in').next();
  };

  test('say where the rule runs, partial marked, and nothing for a rule no profile runs', () => {
    for (const rule of kb.rules) {
      const expected = profiles.flatMap((profile) => {
        const status = profile.byRule.get(rule)?.status;
        return status === 'runnable' ? [profile.profile.title] : status === 'partial' ? [`${profile.profile.title} (partial)`] : [];
      });
      const cell = row(rule);
      assert.deepEqual(cell.find('li').map((_, item) => load(item).text()).get(), expected, rule.title);
      if (expected.length === 0) assert.equal(cell.length, 0);
    }
  });

  test('have no "Runs in" row, no profile facet and no Profiles navigation when the build has no profiles', () => {
    const plain = renderSitePages({ ...build, profiles: [], useCases: [] });
    assert.equal(row(kb.rules[0]!, plain).length, 0);
    assert.ok(!plain.pages.some((candidate) => candidate.url.startsWith('/profiles/') || candidate.url.startsWith('/use-cases/')));
    const navigation = (context: typeof site.context) => load(renderPageDocument(page('/profiles/'), siteChrome(context, new Map())))('.site-nav a').map((_, link) => load(link).text()).get();
    assert.ok(navigation(site.context).includes('Profiles'));
    assert.ok(!navigation(plain.context).includes('Profiles'));
  });
});

describe('the rule list facet', () => {
  const index = ruleListIndex(kb, build.queries, siteModel(siteBuild).context.targets, profiles);
  const rulesWhere = (profile: typeof sysmon, status: string) => profile.rules.filter((entry) => entry.status === status).map((entry) => entry.rule);
  const selected = (filter: Parameters<typeof filterRuleList>[1]) => new Set(filterRuleList(index, filter).map((entry) => entry.rule));

  test('profile=<key>&runnable=yes|partial|no selects the profile’s rules of that status', () => {
    for (const profile of profiles) {
      for (const [value, status] of [['yes', 'runnable'], ['partial', 'partial'], ['no', 'not-runnable']] as const) {
        assert.deepEqual(selected({ profile: [profile.key], runnable: [value] }), new Set(rulesWhere(profile, status)), `${profile.key} ${value}`);
      }
    }
  });

  test('runnable without a profile means in any profile; two profiles, in either', () => {
    const [first, second] = build.profiles as [typeof sysmon, typeof sysmon];
    assert.deepEqual(selected({ runnable: ['yes'] }), new Set(profiles.flatMap((profile) => rulesWhere(profile, 'runnable'))));
    assert.deepEqual(selected({ profile: [first.key, second.key], runnable: ['yes'] }), new Set([...rulesWhere(first, 'runnable'), ...rulesWhere(second, 'runnable')]));
    assert.notDeepEqual(new Set(rulesWhere(first, 'runnable')), new Set(rulesWhere(second, 'runnable')), 'the sample profiles differ');
  });

  test('the JSON index carries one status letter per profile, and nothing without profiles', () => {
    const withProfiles = JSON.parse(String(ruleListIndexFile(index, site.context).content)) as { profiles: string[]; rules: { u: string; p: string }[] };
    assert.deepEqual(withProfiles.profiles, profiles.map((profile) => profile.key));
    for (const entry of withProfiles.rules) assert.match(entry.p, new RegExp(`^[ypn-]{${profiles.length}}$`));
    const plain = ruleListIndexFile(ruleListIndex(kb, build.queries, site.context.targets), site.context);
    const growth = String(ruleListIndexFile(index, site.context).content).length - String(plain.content).length;
    // What the facet costs the browser's index per rule and profile (README, "URLs of the HTML site").
    assert.ok(growth / kb.rules.length / profiles.length < 12, `${growth} bytes for ${kb.rules.length} rules and ${profiles.length} profiles`);
    const parsed = JSON.parse(String(plain.content)) as { profiles?: unknown; facets: { key: string }[]; rules: { p?: string }[] };
    assert.equal(parsed.profiles, undefined);
    assert.ok(parsed.rules.every((rule) => rule.p === undefined) && !parsed.facets.some((facet) => facet.key === 'profile'));
  });
});

test('search finds profiles and use cases by name', () => {
  const records = site.search.filter((record) => record.kind === 'Profile' || record.kind === 'Use case');
  assert.deepEqual(records.map((record) => [record.kind, record.url, record.title]), [
    ...profiles.map((profile) => ['Profile', `/profiles/${profile.key}/`, profile.profile.title]),
    ['Use case', '/use-cases/UC_0001_credential_dumping/', sampleUseCase.name],
    ['Use case', '/use-cases/UC_0099_hostile/', 'Credential <b>dumping</b>'],
  ]);
  assert.ok(!renderSitePages({ ...build, profiles: [], useCases: [] }).search.some((record) => record.kind === 'Profile'));
});

test('the markdown edition has a page per profile and use case, and every link of it resolves', () => {
  const files = renderMarkdownPages(kb, build.queries, 'Sample', profileSite({ kb, profiles, useCases, useCaseMembers }));
  const pages = new Map(files.map((file) => [file.path, String(file.content)]));
  assert.match(pages.get('markdown/Profiles/hostile.md')!, /^\| Title +\| Sysmon &lt;script&gt;alert\(1\)&lt;\/script&gt; everywhere \|\n/);
  const profilePage = pages.get('markdown/Profiles/sysmon-everywhere.md')!;
  assert.match(profilePage, new RegExp(`\\| Runnable rules +\\| ${sysmon.counts.runnable} \\|`));
  assert.match(profilePage, /## Enable next\n\n\| Step \| Kind \| Name/);
  assert.match(profilePage, /## Partly runnable rules/);
  assert.ok(pages.has('markdown/Use_Cases/UC_0001_credential_dumping.md') && pages.has('markdown/Use_Cases/UC_0099_hostile.md'));
  const runnableRule = sysmon.rules.find((entry) => entry.status === 'runnable')!.rule;
  assert.match(pages.get(`markdown/${kb.addresses.markdownPath(runnableRule)}`)!, /\| Runs in +\| <ul>.*<li>\[Sysmon everywhere\]\(\.\.\/Profiles\/sysmon-everywhere\.md\)<\/li>.*<li>\[Sysmon &lt;script&gt;alert\(1\)&lt;\/script&gt; everywhere\]\(\.\.\/Profiles\/hostile\.md\)/);
  const walk = walkMarkdownLinks(pages);
  assert.deepEqual(walk.broken, []);
});
