import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { findReferenceCycles, type Reference } from '../../src/link/reference-cycles.ts';

/** A graph given as `a>b` edges; each reference's position is its edge's index, so tests can tell them apart. */
function graph(edges: string): { nodes: string[]; referencesOf: (node: string) => Reference<string>[] } {
  const pairs = edges.split(' ').filter(Boolean).map((edge) => edge.split('>') as [string, string]);
  const nodes = [...new Set(pairs.flat())].sort();
  return {
    nodes,
    referencesOf: (node) => pairs.flatMap(([from, to], index) => (from === node ? [{ to, position: { line: index + 1, column: 1 } }] : [])),
  };
}

function cyclesOf(edges: string): string[] {
  const { nodes, referencesOf } = graph(edges);
  return findReferenceCycles(nodes, referencesOf).map((cycle) => `${cycle.path.join(' → ')} @${cycle.reference.position.line}`);
}

describe('reference cycles', () => {
  test('no cycle in a chain or a diamond', () => {
    assert.deepEqual(cyclesOf('a>b b>c a>c c>d'), []);
  });

  test('a self-reference is a cycle of one, at that reference', () => {
    assert.deepEqual(cyclesOf('a>b b>b'), ['b → b @2']);
  });

  test('a → b → a is reported once, from the entity whose reference closes it', () => {
    assert.deepEqual(cyclesOf('a>b b>a'), ['b → a → b @2']);
  });

  test('a longer cycle names every entity on it, and two separate cycles are both found', () => {
    assert.deepEqual(cyclesOf('a>b b>c c>d d>b x>y y>x'), ['d → b → c → d @4', 'y → x → y @6']);
  });

  test('a chain of 100,000 references ending in a cycle does not exhaust the call stack', () => {
    const count = 100_000;
    const next = (node: number): Reference<number>[] => [{ to: (node + 1) % count, position: { line: node + 1, column: 1 } }];
    const started = performance.now();
    const cycles = findReferenceCycles([...Array(count).keys()], next);
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0]!.path.length, count + 1);
    // Quadratic work would take minutes here; the bound leaves room for a machine shared with other jobs.
    assert.ok(performance.now() - started < 10_000, 'linear in the number of references');
  });
});
