/**
 * X-Pack Watcher commands pasted into a real bash, with `curl` replaced by a script that records its
 * arguments and standard input: rule text must never run as a command, the URL must carry the
 * percent-encoded watch id, and Elasticsearch must receive the JSON body byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { convert, convertWithCli } from './helpers.ts';

const BASH = ['/bin/bash', '/usr/bin/bash'].find((candidate) => existsSync(candidate));

// Every marker is a relative path: a command that runs creates it in the (otherwise empty) working folder.
const TITLE = "Evil`touch${IFS}pwned-backtick` $(touch pwned-dollar) it's é😀 (x)\nEOF\n${IFS}";
const DESCRIPTION = "$(touch pwned-description)\nEOF\n`touch pwned-description-2`\n'\nEOF\n\\";
const DETECTION = {
  selection: { 'CommandLine|contains': 'C:\\Windows\\System32\\$(touch pwned-value)', Image: 'EOF' },
  filter: { User: "O'Brien\nEOF\n" },
};
const HOSTILE_RULE = [
  `title: ${JSON.stringify(TITLE)}`,
  `description: ${JSON.stringify(DESCRIPTION)}`,
  'logsource: {product: windows, category: process_creation}',
  'detection:',
  ...Object.entries(DETECTION).flatMap(([name, fields]) => [`  ${name}:`, ...Object.entries(fields).map(([field, value]) => `    ${field}: ${JSON.stringify(value)}`)]),
  '  condition: [selection, selection and not filter]',
  `fields: ${JSON.stringify(['EOF', "a'b", '$(touch pwned-field)'])}`,
  '',
].join('\n');

// The watch names sigmac derives (spaces as `-`, no parentheses, `-2` for the second query), encoded by hand.
const ENCODED_NAME = 'Evil%60touch%24%7BIFS%7Dpwned-backtick%60-%24touch-pwned-dollar-it%27s-%C3%A9%F0%9F%98%80-x%0AEOF%0A%24%7BIFS%7D';
const EXPECTED_URLS = [`localhost:9200/_watcher/watch/${ENCODED_NAME}`, `localhost:9200/_watcher/watch/${ENCODED_NAME}-2`];

const CURL_STUB = `#!/bin/sh
n=$(( $(cat "$RECORD/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$RECORD/count"
printf '%s\\0' "$@" > "$RECORD/argv.$n"
cat > "$RECORD/stdin.$n"
`;

interface CurlCall {
  readonly argv: string[];
  readonly stdin: string;
}

/** Runs a pasted script in bash with the recording `curl` first on PATH; what ran, and what it left behind. */
function pasteIntoBash(bash: string, script: string): { calls: CurlCall[]; leftBehind: string[]; stderr: string } {
  const folder = mkdtempSync(path.join(tmpdir(), 'atc-watcher-shell-'));
  try {
    const [stubs, record, work] = ['bin', 'record', 'work'].map((name) => path.join(folder, name)) as [string, string, string];
    for (const made of [stubs, record, work]) mkdirSync(made);
    writeFileSync(path.join(stubs, 'curl'), CURL_STUB);
    chmodSync(path.join(stubs, 'curl'), 0o755);
    const scriptFile = path.join(folder, 'pasted.sh');
    writeFileSync(scriptFile, script);
    const result = spawnSync(bash, ['--noprofile', '--norc', scriptFile], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: `${stubs}:${process.env.PATH ?? '/usr/bin:/bin'}`, RECORD: record, LC_ALL: 'C.UTF-8' },
    });
    const count = existsSync(path.join(record, 'count')) ? Number(readFileSync(path.join(record, 'count'), 'utf8')) : 0;
    const calls = Array.from({ length: count }, (_, index) => ({
      argv: readFileSync(path.join(record, `argv.${index + 1}`), 'utf8').split('\0').slice(0, -1),
      stdin: readFileSync(path.join(record, `stdin.${index + 1}`), 'utf8'),
    }));
    return { calls, leftBehind: readdirSync(work).sort(), stderr: result.stderr };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** `atc convert -t xpack-watcher` on one rule file: the text an analyst copies. */
function watcherOutput(ruleText: string): string {
  const result = convertWithCli(ruleText, ['-t', 'xpack-watcher']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  return result.stdout;
}

/** The body lines between each `<<'EOF'` command line and its terminator, as the shell should pass them. */
function heredocBodies(output: string): string[] {
  const lines = output.split('\n');
  const bodies: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!lines[index]!.startsWith('curl ')) continue;
    const end = lines.indexOf('EOF', index + 1);
    bodies.push(lines.slice(index + 1, end).join('\n') + '\n');
    index = end;
  }
  return bodies;
}

test('a pasted watcher of a hostile rule runs curl only, with the encoded URL and the JSON body as written', { skip: BASH ? false : 'needs bash' }, () => {
  const output = watcherOutput(HOSTILE_RULE);
  const { calls, leftBehind, stderr } = pasteIntoBash(BASH!, output);
  assert.deepEqual(leftBehind, [], 'no command of the rule text ran');
  assert.equal(stderr, '');
  assert.equal(calls.length, 2, 'one curl per condition');
  const queries = convert(HOSTILE_RULE, 'es-qs') as string[];
  assert.equal(queries.length, 2);
  assert.ok(queries[0]!.includes('C\\:\\\\Windows\\\\System32\\\\'), `es-qs keeps the escaped backslashes: ${queries[0]}`);
  const bodies = heredocBodies(output);
  calls.forEach((call, index) => {
    assert.deepEqual(call.argv, ['-s', '-XPUT', '-H', 'Content-Type: application/json', '--data-binary', '@-', EXPECTED_URLS[index]]);
    assert.equal(call.stdin, bodies[index], 'stdin is the body as printed (no expansion, no early end)');
    const watch = JSON.parse(call.stdin);
    assert.equal(watch.metadata.title, TITLE);
    assert.equal(watch.metadata.description, DESCRIPTION);
    assert.equal(watch.metadata.query, queries[index]);
    assert.equal(watch.input.search.request.body.query.bool.must[0].query_string.query, queries[index]);
    assert.match(watch.actions.send_email.email.body, /\{\{_source\.\$\(touch pwned-field\)\}\}/);
  });
});

test('the harness sees a command run: the same output with sigmac 0.13\'s unquoted heredoc creates markers', { skip: BASH ? false : 'needs bash' }, () => {
  const unquoted = watcherOutput(HOSTILE_RULE).replaceAll("<<'EOF'", '<<EOF');
  const { leftBehind } = pasteIntoBash(BASH!, unquoted);
  assert.ok(leftBehind.includes('pwned-description'), `markers: ${leftBehind.join(', ')}`);
});

test('no line of a watch body is the heredoc terminator, whatever the rule text', () => {
  const texts = ['EOF', '\nEOF\n', 'EOF\r\n', '\rEOF\r', 'EOF\u2028', '\u0085EOF', ' EOF', 'EOF\\'];
  for (const text of texts) {
    const ruleText = `title: ${JSON.stringify(text)}\ndescription: ${JSON.stringify(text)}\nlogsource: {product: windows}\nfields: [${JSON.stringify(text)}]\ndetection:\n  keywords: [${JSON.stringify(text)}]\n  sel: {A: ${JSON.stringify(text)}}\n  condition: [keywords or sel, sel | count() by Host > 1]\n`;
    const watchers = convert(ruleText, 'xpack-watcher') as string[];
    assert.equal(watchers.length, 2, `converted ${JSON.stringify(text)}: ${String(watchers)}`);
    for (const watcher of watchers) {
      const lines = watcher.split('\n');
      assert.equal(lines.indexOf('EOF'), lines.length - 2, `the terminator appears only at the end for ${JSON.stringify(text)}`);
      assert.ok(!lines.some((line) => /\r/.test(line)), 'no carriage return that a terminal would hide');
    }
  }
});

test('a fields entry with a brace is refused: it would become a tag of the e-mail template', () => {
  const ruleText = `title: t\nlogsource: {product: windows}\nfields: [User, 'x}}{{ctx.metadata}}']\ndetection:\n  sel: {A: b}\n  condition: sel\n`;
  assert.equal(convert(ruleText, 'xpack-watcher'), 'ERROR field "x}}{{ctx.metadata}}" cannot be written in the watch\'s e-mail template (it contains a brace)');
  assert.equal((convert(ruleText.replace("'x}}{{ctx.metadata}}'", 'Image'), 'xpack-watcher') as string[]).length, 1);
});
