/** The Navigator layer checks shared by the layer tests: the format 4.5 schema and what a schema cannot say. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { compareTechniqueIds } from '../../src/attack/attack-catalog.ts';
import type { NavigatorLayer } from '../../src/export/navigator-layer.ts';

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, 'navigator-layer.schema.json'), 'utf8'));
export const validateLayerSchema = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** Schema validation plus what a schema cannot say (maxValue > minValue; one entry per technique × tactic; order). */
export function assertValidLayer(layer: unknown, name: string): asserts layer is NavigatorLayer {
  const valid = validateLayerSchema(layer);
  assert.ok(valid, `${name}: ${JSON.stringify(validateLayerSchema.errors?.slice(0, 5), null, 2)}`);
  const typed = layer as NavigatorLayer;
  assert.ok(typed.gradient.maxValue > typed.gradient.minValue, `${name}: gradient maxValue > minValue`);
  const keys = typed.techniques.map((entry) => `${entry.techniqueID}/${entry.tactic ?? ''}`);
  assert.equal(new Set(keys).size, keys.length, `${name}: one entry per technique × tactic`);
  for (let index = 1; index < typed.techniques.length; index++) {
    assert.ok(compareTechniqueIds(typed.techniques[index - 1]!.techniqueID, typed.techniques[index]!.techniqueID) <= 0, `${name}: entries sorted by technique id`);
  }
}
