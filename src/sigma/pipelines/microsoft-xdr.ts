import { hashMessage, kustoTableItems, NOT_PROCESS_CREATION, REGISTRY_EVENT_TYPES, REGISTRY_HIVES } from './kusto-pipeline.ts';
import { MICROSOFT_XDR_COLUMNS } from './kusto-schemas.ts';
import type { ProcessingPipeline } from './processing-pipeline.ts';

/**
 * Microsoft Defender XDR advanced hunting tables (pySigma-backend-kusto 1.0.1 `microsoft_xdr`,
 * sigma/pipelines/microsoftxdr/), as data: the table by log-source category or by the EventID of a
 * `sel*` selection, Sysmon field names as the tables' columns (per table, then generic), and the
 * tables' value conventions (registry hives spelled out, action types, DOMAIN\user split into account
 * name and domain, Hashes as one column per algorithm, the parent process by file name only).
 */
const FILE = 'DeviceFileEvents';
const REGISTRY = 'DeviceRegistryEvents';
const HASH_ALGORITHMS = ['MD5', 'SHA1', 'SHA256'];

export const MICROSOFT_XDR: ProcessingPipeline = {
  id: 'microsoft_xdr',
  title: 'Microsoft Defender XDR advanced hunting tables and columns (DeviceProcessEvents, DeviceFileEvents, …)',
  items: kustoTableItems({
    id: 'microsoft_xdr',
    product: 'Microsoft Defender XDR',
    tablesByCategory: {
      process_creation: 'DeviceProcessEvents',
      image_load: 'DeviceImageLoadEvents',
      file_access: FILE,
      file_change: FILE,
      file_delete: FILE,
      file_event: FILE,
      file_rename: FILE,
      registry_add: REGISTRY,
      registry_delete: REGISTRY,
      registry_event: REGISTRY,
      registry_set: REGISTRY,
      network_connection: 'DeviceNetworkEvents',
    },
    tablesByEventKind: {
      process: 'DeviceProcessEvents',
      logon: 'DeviceLogonEvents',
      registry: REGISTRY,
      file: FILE,
      network: 'DeviceNetworkEvents',
      image_load: 'DeviceImageLoadEvents',
      pipe: 'DeviceEvents',
      wmi: 'DeviceEvents',
    },
    columns: MICROSOFT_XDR_COLUMNS,
    tableFields: {
      DeviceProcessEvents: {
        ProcessId: 'ProcessId',
        Image: 'FolderPath',
        FileVersion: 'ProcessVersionInfoProductVersion',
        Description: 'ProcessVersionInfoFileDescription',
        Product: 'ProcessVersionInfoProductName',
        Company: 'ProcessVersionInfoCompanyName',
        OriginalFileName: 'ProcessVersionInfoOriginalFileName',
        CommandLine: 'ProcessCommandLine',
        User: 'AccountName',
        LogonId: 'LogonId',
        IntegrityLevel: 'ProcessIntegrityLevel',
        sha1: 'SHA1',
        sha256: 'SHA256',
        md5: 'MD5',
        ParentProcessId: 'InitiatingProcessId',
        ParentImage: 'InitiatingProcessFolderPath',
        ParentCommandLine: 'InitiatingProcessCommandLine',
        ParentUser: 'InitiatingProcessAccountName',
        GrandParentImage: 'InitiatingProcessParentFileName',
      },
      DeviceImageLoadEvents: {
        ProcessId: 'InitiatingProcessId',
        Image: 'InitiatingProcessFolderPath',
        ImageLoaded: 'FolderPath',
        FileVersion: 'InitiatingProcessVersionInfoProductVersion',
        Description: 'InitiatingProcessVersionInfoFileDescription',
        Product: 'InitiatingProcessVersionInfoProductName',
        Company: 'InitiatingProcessVersionInfoCompanyName',
        OriginalFileName: 'InitiatingProcessVersionInfoOriginalFileName',
        sha1: 'SHA1',
        sha256: 'SHA256',
        md5: 'MD5',
        User: 'InitiatingProcessAccountName',
      },
      DeviceFileEvents: {
        ProcessId: 'InitiatingProcessId',
        Image: 'InitiatingProcessFolderPath',
        TargetFilename: 'FolderPath',
        User: 'RequestAccountName',
        sha1: 'SHA1',
        sha256: 'SHA256',
        md5: 'MD5',
        ObjectName: 'FolderPath',
        IntegrityLevel: 'InitiatingProcessIntegrityLevel',
      },
      DeviceNetworkEvents: {
        ProcessId: 'InitiatingProcessId',
        Image: 'InitiatingProcessFolderPath',
        User: 'InitiatingProcessAccountName',
        Protocol: 'Protocol',
        SourceIp: 'LocalIP',
        SourceHostname: 'DeviceName',
        SourcePort: 'LocalPort',
        DestinationIp: 'RemoteIP',
        DestinationHostname: 'RemoteUrl',
        DestinationPort: 'RemotePort',
      },
      DeviceRegistryEvents: {
        EventType: 'ActionType',
        ProcessId: 'InitiatingProcessId',
        Image: 'InitiatingProcessFolderPath',
        TargetObject: 'RegistryKey',
        Details: 'RegistryValueData',
        User: 'InitiatingProcessAccountName',
        ObjectName: 'RegistryKey',
      },
    },
    genericFields: {
      EventType: 'ActionType',
      User: 'InitiatingProcessAccountName',
      CommandLine: 'InitiatingProcessCommandLine',
      Image: 'InitiatingProcessFolderPath',
      ProcessName: 'InitiatingProcessFolderPath',
      SourceImage: 'InitiatingProcessFolderPath',
      ProcessId: 'InitiatingProcessId',
      md5: 'InitiatingProcessMD5',
      sha1: 'InitiatingProcessSHA1',
      sha256: 'InitiatingProcessSHA256',
      ParentProcessId: 'InitiatingProcessParentId',
      ParentCommandLine: 'InitiatingProcessParentCommandLine',
      Company: 'InitiatingProcessVersionInfoCompanyName',
      Description: 'InitiatingProcessVersionInfoFileDescription',
      OriginalFileName: 'InitiatingProcessVersionInfoOriginalFileName',
      Product: 'InitiatingProcessVersionInfoProductName',
    },
    dropped: ['EventID', 'EventCode', 'ObjectType'],
    rewrites: [
      // The tables have the parent's file name only (no InitiatingProcessParentFolderPath).
      {
        id: 'microsoft_xdr_parent_image_fieldmapping',
        kind: 'map-fields',
        when: NOT_PROCESS_CREATION,
        fields: { ParentImage: 'InitiatingProcessParentFileName' },
      },
      { id: 'microsoft_xdr_parent_image_name_value', kind: 'basename', when: NOT_PROCESS_CREATION, fields: ['InitiatingProcessParentFileName'] },
      { id: 'microsoft_xdr_registry_key_replace', kind: 'replace-prefix', when: {}, fields: ['RegistryKey', 'PreviousRegistryKey'], replacements: REGISTRY_HIVES },
      { id: 'microsoft_xdr_registry_actiontype_value', kind: 'map-values', when: {}, fields: ['ActionType'], values: REGISTRY_EVENT_TYPES },
      {
        id: 'microsoft_xdr_domain_username_extract',
        kind: 'split-value',
        when: {},
        fields: { AccountName: 'AccountDomain', InitiatingProcessAccountName: 'InitiatingProcessAccountDomain' },
        separator: '\\',
      },
      {
        id: 'microsoft_xdr_hashes_field_values',
        kind: 'hashes',
        when: {},
        field: 'Hashes',
        algorithms: HASH_ALGORITHMS,
        prefix: '',
        errorClass: 'InvalidHashAlgorithmError',
        message: hashMessage(HASH_ALGORITHMS),
      },
      // Sysmon's Initiated has no column; network events are the connections a process made or accepted.
      {
        id: 'microsoft_xdr_network_initiated_field',
        kind: 'drop-fields',
        when: { category: 'network_connection' },
        fields: ['Initiated'],
        message:
          'The DeviceNetworkEvents table has no column for {field}: the pipeline drops it where it is one condition among others, but here nothing else would be tested.',
      },
    ],
  }),
};
