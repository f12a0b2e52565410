import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convert } from './helpers.ts';

function networkRule(detection: string, category = 'network_connection'): string {
  return `title: t\nlogsource: {product: windows, category: ${category}}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
}

describe('ecs_windows: Sysmon Initiated as network.direction', () => {
  test('a YAML boolean becomes the word Winlogbeat writes: true → egress, false → ingress', () => {
    const opened = networkRule('s: {Initiated: true, DestinationPort: 9389}\ncondition: s');
    assert.deepEqual(convert(opened, 'lucene+ecs_windows'), ['network.direction:egress AND destination.port:9389']);
    assert.deepEqual(convert(opened, 'eql+ecs_windows'), ['any where network.direction:"egress" and destination.port:9389']);
    assert.deepEqual(convert(opened, 'esql+ecs_windows'), ['from * metadata _id, _index, _version | where network.direction=="egress" and destination.port==9389']);
    const accepted = networkRule('s: {Initiated: false}\nf: {Initiated: [true]}\ncondition: s and not f');
    assert.deepEqual(convert(accepted, 'lucene+ecs_windows'), ['network.direction:ingress AND (NOT network.direction:egress)']);
  });

  test("quoted 'true'/'false' keep the reference's rendering, and other log sources keep the boolean", () => {
    assert.deepEqual(convert(networkRule("s: {Initiated: 'true'}\ncondition: s"), 'lucene+ecs_windows'), ['network.direction:true']);
    assert.deepEqual(convert(networkRule("s: {Initiated: 'false'}\ncondition: s"), 'eql+ecs_windows'), ['any where network.direction:"false"']);
    // Outside network_connection Initiated is not network.direction: no word to map the flag to.
    assert.deepEqual(convert(networkRule('s: {Initiated: true}\ncondition: s', 'process_creation'), 'lucene+ecs_windows'), ['winlog.event_data.Initiated:true']);
    // Without the pipeline the field is Sysmon's own, which holds the boolean.
    assert.deepEqual(convert(networkRule('s: {Initiated: true}\ncondition: s'), 'lucene'), ['Initiated:true']);
  });
});
