import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WINDOWS_CHANNELS, windowsChannelsOf } from '../../src/sigma/pipelines/windows-channels.ts';
import { convert } from './helpers.ts';

function serviceRule(service: string, detection: string): string {
  return `title: t\nlogsource: {product: windows, service: ${service}}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;
}

describe('Windows service → event-log channel (pySigma windows_logsource_mapping)', () => {
  test('services the table once lacked are restricted to their channel by splunk_windows and ecs_windows', () => {
    const certificates = serviceRule('certificateservicesclient-lifecycle-system', 's: {EventID: 1007}\ncondition: s');
    assert.deepEqual(convert(certificates, 'splunk+splunk_windows'), [
      'source="WinEventLog:Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational" EventCode=1007',
    ]);
    assert.deepEqual(convert(certificates, 'lucene+ecs_windows'), [
      'winlog.channel:Microsoft\\-Windows\\-CertificateServicesClient\\-Lifecycle\\-System\\/Operational AND event.code:1007',
    ]);
    const vhd = serviceRule('vhdmp', 's: {EventID: 1}\ncondition: s');
    assert.deepEqual(convert(vhd, 'splunk+splunk_windows'), ['source="WinEventLog:Microsoft-Windows-VHDMP/Operational" EventCode=1']);
    assert.deepEqual(convert(vhd, 'esql+ecs_windows'), ['from * metadata _id, _index, _version | where winlog.channel=="Microsoft-Windows-VHDMP/Operational" and event.code=="1"']);
  });

  test('both pipelines restrict every service of the table, and a service outside it not at all', () => {
    for (const service of Object.keys(WINDOWS_CHANNELS)) {
      const [query] = convert(serviceRule(service, 's: {EventID: 1}\ncondition: s'), 'splunk+splunk_windows') as string[];
      const channels = windowsChannelsOf(service).map((channel) => `"WinEventLog:${channel}"`);
      const expected = channels.length === 1 ? `source=${channels[0]} EventCode=1` : `source IN (${channels.join(', ')}) EventCode=1`;
      assert.equal(query, expected, service);
    }
    assert.deepEqual(convert(serviceRule('no-such-service', 's: {EventID: 1}\ncondition: s'), 'splunk+splunk_windows'), ['EventCode=1']);
    assert.deepEqual(convert(serviceRule('no-such-service', 's: {EventID: 1}\ncondition: s'), 'lucene+ecs_windows'), ['event.code:1']);
  });
});
