import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { checkAgainstFloor, judgeAgreement, MOST_DISAGREEING, parseAgreement } from '../../scripts/conformance-floor.ts';
import { PROJECT_ROOT, skipUnlessExists } from '../helpers/knowledge-base.ts';

const ORACLE = path.resolve(PROJECT_ROOT, '../shared/oracle');
const LUCENE = 'pysigma-1.5.0/lucene.jsonl';
const most = MOST_DISAGREEING[LUCENE]!;

describe('conformance floor', () => {
  test('reads the comparison summary and fails a file only when more rules disagree than its figure', () => {
    assert.deepEqual(parseAgreement('pysigma-1.5.0/lucene.jsonl: 2790/2791 agree (99.96%), 1 differ, 0 missing'), { agree: 2790, total: 2791, differ: 1, missing: 0 });
    assert.equal(parseAgreement('comparison failed'), undefined);
    const line = (differ: number, missing: number): string => `${LUCENE}: ${2791 - differ - missing}/2791 agree (99.00%), ${differ} differ, ${missing} missing`;
    assert.deepEqual(checkAgainstFloor(LUCENE, line(most, 0)), { fell: false });
    const worse = checkAgainstFloor(LUCENE, line(most + 1, 0));
    assert.equal(worse.fell, true);
    assert.match(worse.message!, new RegExp(`^pysigma-1\\.5\\.0/lucene\\.jsonl: BELOW THE FLOOR: disagreeing rules ${most + 1}, at most ${most} allowed`));
    // A rule missing from our output counts as disagreeing.
    assert.equal(checkAgainstFloor(LUCENE, line(most, 1)).fell, true);
    // Better than the floor passes, and says which figure to lower.
    assert.deepEqual(judgeAgreement('probes/modern/lucene.jsonl', { agree: 18, total: 18, differ: 0, missing: 0 }), { kind: 'held', disagreeing: 0, most: MOST_DISAGREEING['probes/modern/lucene.jsonl'] });
    assert.match(checkAgainstFloor('probes/modern/lucene.jsonl', 'x: 18/18 agree (100.00%), 0 differ, 0 missing').message!, /lower its figure .* to 0$/);
    // A reference file nobody measured, or an unreadable summary, fails rather than passing unchecked.
    assert.equal(checkAgainstFloor('pysigma-1.5.0/new-target.jsonl', line(0, 0)).fell, true);
    assert.equal(checkAgainstFloor(LUCENE, 'node: oracle-compare.mjs crashed').fell, true);
  });

  test('every reference file with a converter has a figure', { skip: skipUnlessExists('the reference conversions', ORACLE) }, () => {
    const files = ['legacy-sigmac-0.13', 'probes/legacy', 'pysigma-1.5.0', 'probes/modern'].flatMap((folder) =>
      readdirSync(path.join(ORACLE, folder))
        .filter((name) => name.endsWith('.jsonl'))
        .map((name) => `${folder}/${name}`),
    );
    // sigmac's splunk target has no converter here; the script skips those files.
    const converted = files.filter((file) => !/legacy.*\/splunk\.jsonl$/.test(file));
    assert.deepEqual(converted.filter((file) => !Object.hasOwn(MOST_DISAGREEING, file)), []);
  });

  test('npm run conformance checks the floor and exits 0 while it holds', { skip: skipUnlessExists('the reference conversions', ORACLE) }, () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts/conformance.ts'), 'probes/modern/splunk'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^modern\/splunk\+splunk_cim\.jsonl: \d+\/\d+ agree/m);
    assert.doesNotMatch(result.stdout, /BELOW THE FLOOR/);
  });
});
