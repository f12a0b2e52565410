import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convert } from './helpers.ts';

const PROCESS_FIELDS = 'CommandLine,Computer,CurrentDirectory,Image,IntegrityLevel,OriginalFileName,ParentCommandLine,ParentImage,ParentProcessGuid,ParentProcessId,ProcessGuid,ProcessId,User';
const REFUSED = `ERROR SigmaTransformationError: The Splunk Data Model Sigma backend supports only the following fields for process_creation log source: ${PROCESS_FIELDS}`;

function processRule(detection: string, product = 'windows'): string {
  return `title: t\nlogsource: {product: ${product}, category: process_creation}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
}

describe('splunk_cim: keywords (values without a field) are refused', () => {
  test('a keyword beside data model fields is refused in both outputs instead of reaching the tstats where clause', () => {
    const mixed = processRule("s: {Image|endswith: '\\rundll32.exe'}\nk: ['\\perfc.dat']\ncondition: s or k");
    assert.equal(convert(mixed, 'splunk+splunk_cim'), REFUSED);
    assert.equal(convert(mixed, 'splunk+splunk_cim@data_model'), REFUSED);
    assert.equal(convert(processRule("k: ['a', 'b']\ncondition: not k", 'linux'), 'splunk+splunk_cim'), REFUSED);
    assert.equal(convert(processRule("k: {'|all': ['a', 'b']}\ncondition: k"), 'splunk+splunk_cim@data_model'), REFUSED);
  });

  test('rules without keywords still convert, and plain splunk keeps its keyword search', () => {
    assert.deepEqual(convert(processRule("s: {Image|endswith: '\\rundll32.exe'}\ncondition: s"), 'splunk+splunk_cim'), ['Processes.process_path="*\\\\rundll32.exe"']);
    assert.deepEqual(convert(processRule("s: {Image|endswith: '\\rundll32.exe'}\nk: ['\\perfc.dat']\ncondition: s or k"), 'splunk'), [
      'Image="*\\\\rundll32.exe" OR "\\\\perfc.dat"',
    ]);
  });
});
