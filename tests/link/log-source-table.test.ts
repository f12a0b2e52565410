import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lookUpLogSource } from '../../src/link/log-source-table.ts';
import { DataNeededIndex, matchDataNeeded } from '../../src/link/match-data-needed.ts';
import type { DataNeeded } from '../../src/model/entities.ts';
import { WINDOWS_CHANNELS, windowsChannelsOf } from '../../src/sigma/pipelines/windows-channels.ts';

function windowsEntry(title: string, channel: string, eventId: number): DataNeeded {
  return {
    kind: 'data-needed',
    file: `data_needed/${title}.yml`,
    position: { line: 1, column: 1 },
    title,
    description: title,
    loggingPolicies: [],
    mitigationPolicies: [],
    references: [],
    fields: ['EventID'],
    platform: 'Windows',
    channel,
    eventId,
  };
}

describe('Windows services in the Data Needed log-source table', () => {
  test('every service the converters restrict to a channel is looked up with exactly those channels', () => {
    for (const service of Object.keys(WINDOWS_CHANNELS)) {
      const found = lookUpLogSource({ product: 'windows', service });
      assert.ok(found, `service ${service} has a row`);
      assert.deepEqual(
        found.row.events.map((event) => event.channel),
        windowsChannelsOf(service),
        `service ${service}`,
      );
      assert.ok(found.row.events.every((event) => event.platform === 'Windows' && event.eventIds === undefined));
    }
  });

  test('services pySigma maps that the matcher once lacked or misspelled find their Data Needed entries', () => {
    const certificates = windowsEntry('DN_cert_exported', 'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational', 1007);
    const vhd = windowsEntry('DN_vhd_mounted', 'Microsoft-Windows-VHDMP/Operational', 1);
    const userMode = windowsEntry('DN_mitigations_user_mode', 'Microsoft-Windows-Security-Mitigations/User Mode', 11);
    const index = new DataNeededIndex([certificates, vhd, userMode]);
    const titlesFor = (service: string, eventId: number): string[] =>
      matchDataNeeded([{ logsource: { product: 'windows', service }, fields: ['EventID'], eventIds: [eventId] }], index).matches.map((match) => match.dataNeeded.title);
    assert.deepEqual(titlesFor('certificateservicesclient-lifecycle-system', 1007), ['DN_cert_exported']);
    assert.deepEqual(titlesFor('vhdmp', 1), ['DN_vhd_mounted']);
    // The channel Windows writes has a space ("User Mode"); the matcher's own copy had "KernelMode" only.
    assert.deepEqual(titlesFor('security-mitigations', 11), ['DN_mitigations_user_mode']);
    // A service's other channels do not stand in for the one an entry names.
    assert.deepEqual(titlesFor('vhdmp', 1007), []);
  });

  test('an unknown service still has no row (and is reported as such, not matched to any channel)', () => {
    assert.equal(lookUpLogSource({ product: 'windows', service: 'no-such-service' }), undefined);
  });
});
