import assert from 'node:assert/strict';
import test from 'node:test';
import type { QuerySection } from '../../src/config.ts';
import type { QuerySectionResult } from '../../src/convert/convert-knowledge-base.ts';
import type { DetectionRule } from '../../src/model/detection-rule.ts';
import { queryTargets, RULE_PAGE_SECTION_IDS } from '../../src/present/query-targets.ts';

function targetsOf(sections: ReadonlyArray<[QuerySection, string]>) {
  const results: QuerySectionResult[] = sections.map(([section, title]) => ({ section, title, result: { ok: true, queries: ['x'] } as QuerySectionResult['result'] }));
  return queryTargets(new Map([[{} as DetectionRule, results]]));
}

test('query anchors come from the target spec, so two targets with one title still get one id each', () => {
  const targets = targetsOf([
    [{ target: 'lucene' }, 'Lucene'],
    [{ target: 'lucene', format: 'dsl_lucene' }, 'Lucene'],
    [{ target: 'lucene', pipeline: 'ecs_windows' }, 'Lucene (ECS)'],
    [{ target: 'es-qs' }, 'Kibana query'],
    [{ target: 'splunk' }, 'Splunk'],
  ]);
  assert.deepEqual(
    targets.map((target) => [target.key, target.anchor, target.alias]),
    [
      ['lucene', 'lucene', undefined],
      ['lucene@dsl_lucene', 'lucene-dsl_lucene', undefined],
      ['lucene+ecs_windows', 'lucene-ecs_windows', 'lucene-ecs'],
      ['es-qs', 'es-qs', 'kibana-query'],
      ['splunk', 'splunk', undefined],
    ],
  );
});

test('no anchor or alias repeats, or takes a section id of the rule page', () => {
  const targets = targetsOf([
    [{ target: 'splunk', pipeline: 'summary' }, 'Summary'],
    [{ target: 'splunk', pipeline: 'a' }, 'Splunk A'],
    [{ target: 'splunk', format: 'a' }, 'Splunk A'],
    [{ target: 'queries' }, 'Sigma rule'],
    [{ target: 'es-qs' }, 'splunk-a'],
  ]);
  const ids = targets.flatMap((target) => [target.anchor, ...(target.alias ? [target.alias] : [])]);
  assert.equal(new Set(ids).size, ids.length, ids.join(' '));
  for (const id of ids) assert.ok(!RULE_PAGE_SECTION_IDS.has(id), id);
  assert.deepEqual(targets.map((target) => target.anchor), ['splunk-summary', 'splunk-a', 'splunk-a-2', 'queries-2', 'es-qs']);
});
