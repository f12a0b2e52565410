import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findReferenceCycles } from '../../src/link/reference-cycles.ts';

/** Edges as `a>b` pairs; nodes in the order given. */
function cyclesOf(nodes: string[], edges: string[]): string[] {
  const references = (node: string) => edges.filter((edge) => edge.split('>')[0] === node).map((edge) => ({ target: edge.split('>')[1]!, edge }));
  return findReferenceCycles(nodes, references).map((cycle) => `${cycle.nodes.join(' → ')} at ${cycle.closing.edge}`);
}

describe('reference cycles', () => {
  test('a node naming itself, two naming each other, a longer ring: each once, at the closing reference', () => {
    assert.deepEqual(cyclesOf(['a'], ['a>a']), ['a → a at a>a']);
    assert.deepEqual(cyclesOf(['a', 'b'], ['a>b', 'b>a']), ['a → b → a at b>a']);
    assert.deepEqual(cyclesOf(['x', 'a', 'b', 'c'], ['x>a', 'a>b', 'b>c', 'c>a']), ['a → b → c → a at c>a']);
  });
  test('shared targets and chains without a way back are no cycle', () => {
    assert.deepEqual(cyclesOf(['a', 'b', 'c', 'd'], ['a>b', 'a>c', 'b>d', 'c>d']), []);
  });
  test('a chain of 200,000 references does not overflow the stack', () => {
    const count = 200_000;
    const nodes = Array.from({ length: count }, (_, i) => i);
    const cycles = findReferenceCycles(nodes, (node) => [{ target: (node + 1) % count }]);
    assert.equal(cycles.length, 1);
    assert.equal(cycles[0]!.nodes.length, count + 1);
  });
});
