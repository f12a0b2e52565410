// `atc build` of an unchanged knowledge base stops at once (issue 16): it replays the last build's
// issues and summary when every input reads the same and the output is exactly what that build left.
// Each change that could make the output differ must make it build again, and leave a clean build's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { atc, differentFiles, sampleCopyFor, snapshot } from './cli-harness.ts';

const SHORTCUT = 'the inputs and the output are those of the last build';
const RULE = 'rules/windows/process_creation/proc_creation_win_net_user_add.yml';

/** `atc build` in `folder`; whether it stopped at once, and its stderr without the time line. */
function build(folder: string, ...args: string[]): { shortcut: boolean; report: string } {
  const result = atc(['build', ...args], folder);
  assert.equal(result.status, 0, result.stderr.slice(-3000));
  const report = result.stderr.replace(/^ {2}time: .*\n/m, '').replace(/; \d+ of (\d+) files written/, '; N of $1 files written').replace(' (index unchanged)', '');
  return { shortcut: result.stderr.includes(SHORTCUT), report };
}

/** The output of a clean build of the copy's current inputs, built into a folder of its own. */
function cleanOutput(folder: string): Map<string, Buffer> {
  build(folder, '--no-cache', '--out', 'clean');
  const files = snapshot(path.join(folder, 'clean'));
  rmSync(path.join(folder, 'clean'), { recursive: true });
  return files;
}

test('an unchanged knowledge base is not built again (the last build’s issues and summary, the output untouched); any change of an input, the configuration or the output builds again, and hand-edited output is restored to a clean build’s', { timeout: 300_000 }, (t) => {
  const folder = sampleCopyFor(t);
  const first = build(folder);
  assert.equal(first.shortcut, false);
  const written = snapshot(path.join(folder, '_site'));
  const times = statSync(path.join(folder, '_site/index.html')).mtimeMs;
  const again = build(folder);
  assert.equal(again.shortcut, true, 'the second build stopped at once');
  assert.equal(again.report, first.report, 'the same warnings and summary');
  assert.deepEqual(differentFiles(snapshot(path.join(folder, '_site')), written), []);
  assert.equal(statSync(path.join(folder, '_site/index.html')).mtimeMs, times, 'nothing was written');
  assert.equal(build(folder, '--no-cache').shortcut, false, '--no-cache builds');
  const changes: Array<[string, () => void]> = [
    [
      'a same-size edit of a rule with its modification time kept',
      () => {
        const file = path.join(folder, RULE);
        const before = statSync(file);
        const text = readFileSync(file, 'utf8');
        writeFileSync(file, text.replace(/^title: (.)/m, (_line, letter: string) => `title: ${letter === 'X' ? 'Y' : 'X'}`));
        utimesSync(file, before.atime, before.mtime);
      },
    ],
    ['a new Data Needed file', () => writeFileSync(path.join(folder, 'data_needed/DN_added_by_test.yml'), readFileSync(path.join(folder, 'data_needed', 'DN_0001_4688_windows_process_creation.yml'), 'utf8').replace(/^title: .*$/m, 'title: DN_added_by_test'))],
    ['a renamed rule file', () => renameSync(path.join(folder, RULE), path.join(folder, RULE.replace('.yml', '_renamed.yml')))],
    ['a deleted rule', () => rmSync(path.join(folder, RULE.replace('.yml', '_renamed.yml')))],
    [
      'a changed configuration',
      () => {
        const file = path.join(folder, 'atc.config.yml');
        writeFileSync(file, readFileSync(file, 'utf8').replace(/^ {2}title: .*$/m, '  title: Retitled by a test'));
      },
    ],
    ['an output file edited by hand', () => appendFileSync(path.join(folder, '_site/index.html'), '<!-- edited -->')],
    ['an output file deleted', () => rmSync(path.join(folder, '_site/rules/index.html'))],
  ];
  for (const [what, change] of changes) {
    change();
    assert.equal(build(folder).shortcut, false, `${what}: built again`);
    // A build that restores hand-edited output leaves what a clean build writes.
    if (what.startsWith('an output file')) assert.deepEqual(differentFiles(snapshot(path.join(folder, '_site')), cleanOutput(folder)), [], `${what}: the output is a clean build's`);
  }
  assert.equal(build(folder).shortcut, true, 'unchanged again');

  // A link in the output is refused as ever, not taken for the file it points to.
  const feed = path.join(folder, '_site/feed.xml');
  writeFileSync(path.join(folder, 'feed-copy.xml'), readFileSync(feed));
  rmSync(feed);
  symlinkSync(path.join(folder, 'feed-copy.xml'), feed);
  const refused = atc(['build'], folder);
  assert.ok(!refused.stderr.includes(SHORTCUT) && refused.status === 1 && refused.stderr.includes('symbolic link'), refused.stderr.slice(-2000));
});
