/**
 * The markdown edition is read on GitHub and in any other renderer, some of which pass raw HTML and any
 * link scheme through. A knowledge base with payloads in every text field of every entity type is built
 * with the real pipeline; each page is then rendered by the most permissive reader there is (markdown-it
 * with raw HTML on and no link validation) and must hold no script, frame, embed, event handler or
 * non-web link, while every table keeps one row per line and its column count.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import MarkdownIt from 'markdown-it';
import { stringify } from 'yaml';
import { buildKnowledgeBase, type Build } from '../../src/build.ts';
import { loadConfig } from '../../src/load/load-config.ts';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { authorMarkdownToMarkdown, createAuthorMarkdownParser } from '../../src/render/author-markdown.ts';
import { codeBlock, codeCell, table } from '../../src/render/markdown-syntax.ts';
import { CORPUS, PROJECT_ROOT, skipUnlessExists } from '../helpers/knowledge-base.ts';
import { writeTempTree } from '../helpers/temp-files.ts';

const SCRIPT = '<script>alert(1)</script>';

/** Inline payloads: raw HTML, comments, autolinks, links and images with bad schemes, pipes, code, fences. */
const INLINE = [
  `P ${SCRIPT}`,
  '<img src=x onerror=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '[a](javascript:alert(1)) [b](jav&#x61;script:alert(1)) <javascript:alert(1)>',
  '![i](data:text/html,x) [v](vbscript:msgbox(1)) <!-- c -->',
  'a|b `co|de` \\| ~~~ ``` end',
].join(' ');

/** Line breaks of every kind, a fake table row and a fence, after the inline payloads. */
const MULTILINE = `${INLINE}\rafter CR | x\u2028after LS\u2029after PS\n| fake | row |\n---|---\n\`\`\`\n${SCRIPT}\n[r]: javascript:alert(3)`;

/** Markdown written to break out: HTML blocks, every link form with a bad scheme, a fence against our fence. */
const AUTHOR_MARKDOWN = `# Heading ${SCRIPT}

${SCRIPT}

<iframe src="javascript:alert(1)"></iframe>

<div onmouseover="alert(1)">x</div>

[a](javascript:alert(1)) [b](<javascript:alert(1)>) [c](JaVaScRiPt:alert(1)) [d]( java&#09;script:alert(1) ) ![e](javascript:alert(1)) ![f](https://example.com/x.png) <javascript:alert(1)> [g](data:text/html;base64,PHNjcmlwdD4=) [h](vbscript:msgbox)

[entity in a relative link](&amp;#106;avascript:alert(1)) [entity in a web link](https://example.com/?a=1&amp;amp;b=2)

[ref]: javascript:alert(1)

[ok]: https://example.com/ok

see [ref] and [ok] and [ref][] and [web link](https://example.com/web)

- [list link](javascript:alert(1))
  > quoted ${SCRIPT}

| a | b |
|---|---|
| \`x\\|y\` | <img src=x onerror=alert(1)> |

~~~
</code></pre>${SCRIPT}
~~~

\`\`\`\`
\`\`\`
${SCRIPT}
\`\`\`\`

<!-- comment ${SCRIPT} -->

    indented ${SCRIPT}

\`\`\`
unclosed ${SCRIPT}`;

function hostileKnowledgeBase(t: { after: (fn: () => void) => void }): Build {
  const lpTitle = `LP_9101 ${MULTILINE}`;
  const dnTitle = `DN_9101_4688 ${MULTILINE}`;
  const enTitle = `EN_9101 ${MULTILINE}`;
  const root = writeTempTree(t, {
    'atc.config.yml': stringify({
      rules: 'rules',
      data_needed: 'data_needed',
      logging_policies: 'logging_policies',
      enrichments: 'enrichments',
      triggers: 'triggers',
      response_actions: 'response_actions',
      response_playbooks: 'response_playbooks',
      response_stages: 'response_stages',
      queries: ['es-qs', 'splunk'],
    }),
    'response_stages/RS9101.yml': stringify({ title: `Hunting ${INLINE}`, id: 'RS9101', description: MULTILINE }),
    'response_actions/RA_9101.yml': stringify({
      title: `RA_9101_${MULTILINE}`,
      id: 'RA9101',
      description: MULTILINE,
      author: MULTILINE,
      creation_date: MULTILINE,
      stage: `hunting_${INLINE}`.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
      references: ['javascript:alert(1)', MULTILINE],
      requirements: [MULTILINE, dnTitle],
      automation: [MULTILINE],
      linked_ra: [MULTILINE],
      linked_analytics: [MULTILINE],
      workflow: AUTHOR_MARKDOWN,
    }),
    'response_playbooks/RP_9101.yml': stringify({
      title: `RP_9101_${MULTILINE}`,
      id: 'RP9101',
      description: MULTILINE,
      author: MULTILINE,
      creation_date: MULTILINE,
      severity: 'H',
      tlp: 'RED',
      pap: 'AMBER',
      tags: ['attack.credential-access', 'attack.t1003', MULTILINE],
      linked_rp: [MULTILINE],
      references: ['javascript:alert(1)', MULTILINE],
      identification: [`RA_9101_${MULTILINE}`, MULTILINE],
      workflow: AUTHOR_MARKDOWN,
    }),
    'rules/hostile.yml': stringify({
      title: `Rule ${MULTILINE}`,
      id: '0b7a8f42-6c1e-4d5a-9f00-000000009101',
      status: 'test',
      description: MULTILINE,
      references: ['javascript:alert(1)', 'https://example.com/"><script>alert(1)</script>', MULTILINE],
      author: MULTILINE,
      date: '2025-01-01',
      tags: ['attack.credential-access', 'attack.t1003.001', `cve.2025-${INLINE}`],
      logsource: { category: 'process_creation', product: 'windows' },
      detection: { selection: { 'CommandLine|contains': [SCRIPT, 'a|b', '```'] }, condition: 'selection' },
      falsepositives: [MULTILINE],
      level: 'high',
      enrichment: [enTitle],
    }),
    'data_needed/DN_9101.yml': stringify({
      title: dnTitle,
      author: MULTILINE,
      description: MULTILINE,
      loggingpolicy: [lpTitle],
      mitigation_policy: [MULTILINE],
      references: ['javascript:alert(1)', MULTILINE],
      category: MULTILINE,
      platform: 'Windows',
      type: MULTILINE,
      channel: 'Security',
      provider: MULTILINE,
      event_id: 4688,
      fields: ['CommandLine', MULTILINE],
      sample: MULTILINE,
      enriched_sample: AUTHOR_MARKDOWN,
    }),
    'logging_policies/LP_9101.yml': stringify({
      title: lpTitle,
      author: MULTILINE,
      default: MULTILINE,
      volume: MULTILINE,
      description: MULTILINE,
      eventID: [4688],
      references: ['javascript:alert(1)', MULTILINE],
      configuration: AUTHOR_MARKDOWN,
    }),
    'enrichments/EN_9101.yml': stringify({
      title: enTitle,
      description: MULTILINE,
      data_needed: [dnTitle],
      data_to_enrich: [dnTitle],
      requirements: [MULTILINE],
      references: ['javascript:alert(1)', MULTILINE],
      author: MULTILINE,
      new_fields: [MULTILINE],
      config: AUTHOR_MARKDOWN,
    }),
    'triggers/T1003.001/T1003.001.yaml': stringify({
      attack_technique: 'T1003.001',
      display_name: MULTILINE,
      atomic_tests: [
        {
          name: MULTILINE,
          auto_generated_guid: '11111111-2222-4333-8444-555555555555',
          description: MULTILINE,
          supported_platforms: ['windows', INLINE],
          input_arguments: {
            [`dump|path\\|x ${INLINE}`]: { description: MULTILINE, type: MULTILINE, default: MULTILINE },
            plain: { description: 'a path', type: 'path', default: 'C:\\a|b\\|c `x`' },
          },
          dependency_executor_name: 'powershell',
          dependencies: [{ description: MULTILINE, prereq_command: MULTILINE, get_prereq_command: AUTHOR_MARKDOWN }],
          executor: { command: MULTILINE, cleanup_command: AUTHOR_MARKDOWN, name: 'command_prompt', elevation_required: false },
        },
      ],
    }),
  });
  const { config, issues } = loadConfig({ configFile: 'atc.config.yml' }, root);
  assert.deepEqual(issues, []);
  return buildKnowledgeBase(config);
}

/** The most permissive reader: raw HTML on, GFM autolinks on, every link scheme accepted. */
function permissiveRenderer(): MarkdownIt {
  const renderer = new MarkdownIt({ html: true, linkify: true });
  renderer.validateLink = () => true;
  return renderer;
}

/** A GFM table row's cells: split at each `|` that no backslash escapes (the stricter of cmark-gfm's and markdown-it's readings). */
function cellCount(row: string): number {
  let pipes = 0;
  for (let index = 0; index < row.length; index++) {
    if (row[index] === '\\') index++;
    else if (row[index] === '|') pipes++;
  }
  return pipes - 1;
}

function assertSafeHtml(html: string, where: string): void {
  const $ = cheerio.load(html);
  assert.equal($('script, iframe, object, embed, img, frame, svg, math, style, link, meta, base, form').length, 0, `${where}: an active element in ${$('body').html()}`);
  $('*').each((_, element) => {
    for (const name of Object.keys((element as { attribs?: Record<string, string> }).attribs ?? {})) {
      assert.ok(!/^on/i.test(name), `${where}: an event handler <${(element as { tagName: string }).tagName} ${name}>`);
    }
  });
  $('[href], [src]').each((_, element) => {
    for (const name of ['href', 'src']) {
      const value = ($(element).attr(name) ?? '').replace(/[\u0000-\u0020]/g, '');
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
      assert.ok(scheme === undefined || ['http', 'https', 'mailto'].includes(scheme), `${where}: ${name}="${value}"`);
    }
  });
}

/** Every table: each row one source line, `|` at both ends, as many cells as its header. */
function assertTablesKeepShape(markdown: string, where: string): number {
  const parser = new MarkdownIt();
  const lines = markdown.split(/\r\n|\r|\n/);
  let tables = 0;
  for (const token of parser.parse(markdown, {})) {
    if (token.type !== 'table_open' || !token.map || token.level > 0) continue;
    tables++;
    const [start, end] = token.map;
    const rows = lines.slice(start, end);
    const columns = cellCount(rows[0]!);
    for (const row of rows) {
      assert.match(row, /^\|.*\|$/, `${where}: a table row broken apart: ${JSON.stringify(row)}`);
      assert.doesNotMatch(row, /[\u2028\u2029]/, `${where}: a line separator in a table row`);
      assert.equal(cellCount(row), columns, `${where}: ${JSON.stringify(row)} has ${cellCount(row)} cells, the header ${columns}`);
    }
  }
  return tables;
}

describe('hostile text in the markdown edition', () => {
  let pages: ReadonlyArray<{ path: string; content: string }>;
  before(() => {
    // node:test's `before` gets no test context; the tree is removed when the process ends.
    const cleanup: Array<() => void> = [];
    pages = hostileKnowledgeBase({ after: (fn) => cleanup.push(fn) }).files.filter((file) => file.path.startsWith('markdown/'));
    process.once('exit', () => cleanup.forEach((fn) => fn()));
  });

  test('every page type is there', () => {
    for (const folder of ['Detection_Rules', 'Data_Needed', 'Logging_Policies', 'Enrichments', 'Triggers', 'Response_Actions', 'Response_Playbooks', 'Response_Stages']) {
      assert.ok(pages.some((page) => page.path.includes(`/${folder}/`)), `${folder}: ${pages.map((page) => page.path).join(', ')}`);
    }
  });

  test('the hostile action sits in its hostile stage, and the playbook lists it', () => {
    const stage = pages.find((page) => page.path.endsWith('/Response_Stages/RS9101.md'))!;
    assert.match(stage.content, /\(\.\.\/Response_Actions\/RA_9101_[^)]*\.md\)/);
    const playbook = pages.find((page) => page.path.includes('/Response_Playbooks/'))!;
    assert.match(playbook.content, /\| Identification +\| <ul><li>\[RA_9101/);
  });

  test('no page renders a script, frame, embed, event handler or non-web link in a permissive reader', () => {
    const renderer = permissiveRenderer();
    for (const page of pages) assertSafeHtml(renderer.render(page.content), page.path);
  });

  test('every table keeps one line per row and its column count', () => {
    let tables = 0;
    for (const page of pages) tables += assertTablesKeepShape(page.content, page.path);
    assert.ok(tables >= pages.length, `${tables} tables in ${pages.length} pages`);
  });

  test('the payloads show as text, and web links of author markdown stay links', () => {
    const renderer = permissiveRenderer();
    const policy = pages.find((page) => page.path.includes('/Logging_Policies/'))!;
    const $ = cheerio.load(renderer.render(policy.content));
    assert.ok($('body').text().includes(SCRIPT), 'the script shows as text');
    assert.ok($('body').text().includes('[a](javascript:alert(1))'), 'a javascript: link shows as text');
    assert.ok($('body').text().includes('after CR | x'), 'text after a CR is kept');
    assert.deepEqual($('a').map((_, a) => $(a).attr('href')).get().filter((href) => href.startsWith('https://example.com/')), ['https://example.com/x.png', 'https://example.com/?a=1&amp;b=2', 'https://example.com/ok', 'https://example.com/web'], 'an image becomes a link, as on the HTML site');
    assert.equal($('a').filter((_, a) => $(a).text() === 'entity in a relative link').attr('href'), '&#106;avascript:alert%281%29', 'an entity the parser decoded once is not decoded again');
    assert.equal($('h3').first().text(), `Heading ${SCRIPT}`, 'an author h1 sits under the page h2');
  });
});

describe('author markdown written back as markdown', () => {
  const renderer = permissiveRenderer();

  test('ordinary configuration keeps its shape: paragraphs, fences with their language, lists, links', () => {
    const input = 'Steps:\n```xml\n<RuleGroup name="x">\n  <a/>\n</RuleGroup>\n```\n\n- one\n- two [docs](https://example.com/a_b)\n\n1. first\n2. [second](../Data_Needed/DN_1.md#x)';
    const $ = cheerio.load(renderer.render(authorMarkdownToMarkdown(input)));
    assert.equal($('p').first().text(), 'Steps:');
    assert.equal($('pre code.language-xml').text(), '<RuleGroup name="x">\n  <a/>\n</RuleGroup>\n');
    assert.deepEqual($('ul li').map((_, item) => $(item).text()).get(), ['one', 'two docs']);
    assert.equal($('ul a').attr('href'), 'https://example.com/a_b');
    assert.deepEqual($('ol li').map((_, item) => $(item).text()).get(), ['first', 'second']);
    assert.equal($('ol a').attr('href'), '../Data_Needed/DN_1.md#x', 'a relative link leads to another page of the markdown edition');
  });

  /**
   * Read back by the same parser, the markdown we write is the document the parser read: the same HTML
   * but for what we write our own way: headings two levels lower, table alignment, parentheses of a
   * link percent-encoded, a final line break in a fence the author left unclosed, and U+2028/2029 in
   * text as spaces.
   */
  function assertSameDocument(input: string, where: string): void {
    const reader = createAuthorMarkdownParser('web-and-relative');
    const shifted = (html: string): string => html.replace(/<(\/?)h([1-6])>/g, (_match, slash: string, level: string) => `<${slash}h${Math.min(6, Number(level) + 2)}>`).replace(/([^\n])<\/code><\/pre>/g, '$1\n</code></pre>').replace(/[\u2028\u2029]/g, ' ');
    const ours = (html: string): string => html.replace(/ style="text-align:left"/g, '').replace(/href="[^"]*"/g, (href) => href.replace(/%28/g, '(').replace(/%29/g, ')'));
    assert.equal(ours(reader.render(authorMarkdownToMarkdown(input))), shifted(reader.render(input)), where);
  }

  test('the hostile markdown reads back as the same document', () => {
    assertSameDocument(AUTHOR_MARKDOWN, 'AUTHOR_MARKDOWN');
    assertSameDocument(MULTILINE, 'MULTILINE');
  });

  const atcData = path.join(CORPUS, 'atc-data');
  test('every configuration of atc-data and of the sample reads back as the same document', { skip: skipUnlessExists('atc-data', atcData) }, () => {
    let checked = 0;
    for (const folder of [path.join(atcData, 'logging_policies'), path.join(atcData, 'enrichments'), path.join(PROJECT_ROOT, 'logging_policies'), path.join(PROJECT_ROOT, 'enrichments')]) {
      for (const name of readdirSync(folder).sort()) {
        let document: { configuration?: unknown; config?: unknown } | null;
        try {
          document = parse(readFileSync(path.join(folder, name), 'utf8')) as typeof document;
        } catch {
          continue; // a file atc reports as yaml-syntax and never renders
        }
        const text = document?.configuration ?? document?.config;
        if (typeof text !== 'string') continue;
        assertSameDocument(text, name);
        checked++;
      }
    }
    assert.ok(checked > 50, `${checked} documents`);
  });

  test('linear on long hostile input', () => {
    const started = performance.now();
    authorMarkdownToMarkdown(`${'[a]('.repeat(20_000)}${'<'.repeat(20_000)}${'`'.repeat(20_000)}${'*_'.repeat(20_000)}`);
    authorMarkdownToMarkdown('> '.repeat(5_000) + '- '.repeat(5_000) + 'x');
    assert.ok(performance.now() - started < 5_000, `${performance.now() - started} ms`);
  });
});

describe('code in cells and blocks', () => {
  test('a code span in a cell: `|` escaped once; a backslash before `|` falls back to text', () => {
    const $ = cheerio.load(new MarkdownIt().render(table(['k', 'v'], [['a', codeCell('x|y')], ['b', codeCell('C:\\a\\|b')]])));
    assert.deepEqual($('tbody td:nth-child(2)').map((_, cell) => $(cell).text()).get(), ['x|y', 'C:\\a\\|b']);
    assert.equal($('tbody td:nth-child(2) code').length, 1);
  });

  test('a hundred thousand backtick runs neither overflow the stack nor close the fence', () => {
    const content = '` '.repeat(200_000);
    assert.ok(codeBlock(content).startsWith('```\n'));
  });
});
