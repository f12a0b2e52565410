import type { ProcessingItem, ProcessingPipeline } from './processing-pipeline.ts';
import { WINDOWS_CHANNELS, windowsChannelsOf } from './windows-channels.ts';

/**
 * Elastic Common Schema names for Windows event fields as Winlogbeat 7+ writes them
 * (pySigma-backend-elasticsearch `ecs_windows`, sigma/pipelines/elasticsearch/windows.py).
 */

/** Fields whose ECS name depends on the log source: field → [log-source key, value, ECS field]. */
const BY_LOG_SOURCE: Readonly<Record<string, readonly (readonly ['category' | 'service', string, string])[]>> = {
  FileVersion: [
    ['category', 'process_creation', 'process.pe.file_version'],
    ['category', 'image_load', 'file.pe.file_version'],
  ],
  Description: [
    ['category', 'process_creation', 'process.pe.description'],
    ['category', 'image_load', 'file.pe.description'],
    ['category', 'sysmon_error', 'winlog.event_data.Description'],
  ],
  Product: [
    ['category', 'process_creation', 'process.pe.product'],
    ['category', 'image_load', 'file.pe.product'],
  ],
  Company: [
    ['category', 'process_creation', 'process.pe.company'],
    ['category', 'image_load', 'file.pe.company'],
  ],
  OriginalFileName: [
    ['category', 'process_creation', 'process.pe.original_file_name'],
    ['category', 'image_load', 'file.pe.original_file_name'],
  ],
  CommandLine: [
    ['category', 'process_creation', 'process.command_line'],
    ['service', 'security', 'process.command_line'],
    ['service', 'powershell-classic', 'powershell.command.value'],
  ],
  Protocol: [['category', 'network_connection', 'network.transport']],
  Initiated: [['category', 'network_connection', 'network.direction']],
  Signature: [
    ['category', 'driver_loaded', 'file.code_signature.subject_name'],
    ['category', 'image_loaded', 'file.code_signature.subject_name'],
  ],
  EngineVersion: [['service', 'powershell-classic', 'powershell.engine.version']],
  HostVersion: [['service', 'powershell-classic', 'powershell.process.executable_version']],
  SubjectLogonId: [['service', 'security', 'winlog.logon.id']],
  ServiceName: [['service', 'security', 'service.name']],
  SubjectDomainName: [['service', 'security', 'user.domain']],
  SubjectUserName: [['service', 'security', 'user.name']],
  SubjectUserSid: [['service', 'security', 'user.id']],
  TargetLogonId: [['service', 'security', 'winlog.logon.id']],
};

/**
 * Sysmon's `Initiated` flag as Winlogbeat stores it: `network.direction` holds a word, `egress` for a
 * connection the host opened, `ingress` for one it accepted. Only YAML booleans are rewritten: the
 * quoted 'true'/'false' most rules write stay as the reference renders them (`network.direction:true`).
 */
const INITIATED_DIRECTION = { true: 'egress', false: 'ingress' } as const;

/** Fields with one ECS name for every Windows log source. */
const FIELDS: Readonly<Record<string, string>> = {
  EventID: 'event.code',
  Channel: 'winlog.channel',
  Provider_Name: 'winlog.provider_name',
  ComputerName: 'winlog.computer_name',
  FileName: 'file.path',
  ProcessGuid: 'process.entity_id',
  ProcessId: 'process.pid',
  Image: 'process.executable',
  CurrentDirectory: 'process.working_directory',
  ParentProcessGuid: 'process.parent.entity_id',
  ParentProcessId: 'process.parent.pid',
  ParentImage: 'process.parent.executable',
  ParentCommandLine: 'process.parent.command_line',
  TargetFilename: 'file.path',
  SourceIp: 'source.ip',
  SourceHostname: 'source.domain',
  SourcePort: 'source.port',
  DestinationIp: 'destination.ip',
  DestinationHostname: 'destination.domain',
  DestinationPort: 'destination.port',
  DestinationPortName: 'network.protocol',
  ImageLoaded: 'file.path',
  Signed: 'file.code_signature.signed',
  SignatureStatus: 'file.code_signature.status',
  Imphash: 'file.pe.imphash',
  SourceProcessGuid: 'process.entity_id',
  SourceProcessId: 'process.pid',
  SourceImage: 'process.executable',
  Device: 'file.path',
  SourceThreadId: 'process.thread.id',
  TargetObject: 'registry.path',
  PipeName: 'file.name',
  Destination: 'process.executable',
  QueryName: 'dns.question.name',
  QueryStatus: 'sysmon.dns.status',
  IsExecutable: 'sysmon.file.is_executable',
  Archived: 'sysmon.file.archived',
  CommandName: 'powershell.command.name',
  CommandPath: 'powershell.command.path',
  CommandType: 'powershell.command.type',
  HostApplication: 'process.command_line',
  HostId: 'process.entity_id',
  HostName: 'process.title',
  NewEngineState: 'powershell.engine.new_state',
  PipelineId: 'powershell.pipeline_id',
  PreviousEngineState: 'powershell.engine.previous_state',
  RunspaceId: 'powershell.runspace_id',
  ScriptName: 'file.path',
  SequenceNumber: 'event.sequence',
  NewProviderState: 'powershell.provider.new_state',
  ProviderName: 'powershell.provider.name',
  MessageNumber: 'powershell.sequence',
  MessageTotal: 'powershell.total',
  ScriptBlockText: 'powershell.file.script_block_text',
  ScriptBlockId: 'powershell.file.script_block_id',
  AccountDomain: 'user.domain',
  AccountName: 'user.name',
  Application: 'process.executable',
  ClientAddress: 'source.ip',
  ClientName: 'source.domain',
  DestAddress: 'destination.ip',
  DestPort: 'destination.port',
  IpAddress: 'source.ip',
  IpPort: 'source.port',
  NewProcessId: 'process.pid',
  NewProcessName: 'process.executable',
  ParentProcessName: 'process.parent.name',
  ProcessName: 'process.executable',
  SourceAddress: 'source.ip',
  TargetDomainName: 'user.domain',
  User: 'user.name',
  WorkstationName: 'source.domain',
  Payload: 'powershell.file.script_block_text',
};

const WINDOWS = { product: 'windows' } as const;

export const ECS_WINDOWS: ProcessingPipeline = {
  id: 'ecs_windows',
  title: 'Elastic Common Schema (ECS) Windows log mappings from Winlogbeat from version 7',
  items: [
    ...Object.keys(WINDOWS_CHANNELS).map(
      (service): ProcessingItem => ({
        id: `windows_logsource_${service}`,
        kind: 'add-condition',
        when: { ...WINDOWS, service },
        field: 'winlog.channel',
        values: windowsChannelsOf(service),
      }),
    ),
    {
      id: 'ecs_windows_initiated_direction',
      kind: 'map-booleans',
      when: { ...WINDOWS, category: 'network_connection' },
      fields: ['Initiated'],
      values: INITIATED_DIRECTION,
    },
    ...Object.entries(BY_LOG_SOURCE).flatMap(([field, mappings]) =>
      mappings.map(
        ([key, value, target]): ProcessingItem => ({
          id: `elasticsearch_windows-${field}-${key}-${value}`,
          kind: 'map-fields',
          when: { ...WINDOWS, [key]: value },
          fields: { [field]: target },
        }),
      ),
    ),
    { id: 'ecs_windows_field_mapping', kind: 'map-fields', when: WINDOWS, fields: FIELDS },
    {
      id: 'ecs_windows_winlog_eventdata_prefix',
      kind: 'prefix-fields',
      when: WINDOWS,
      prefix: 'winlog.event_data.',
      unlessMappedBy: ['ecs_windows_field_mapping'],
      unlessMatches: /^[\p{L}\p{N}_]+\./u,
    },
    // Winlogbeat indexes event.code and the event data as keywords: numbers are compared as strings.
    { id: 'ecs_windows_keyword_numbers', kind: 'numbers-as-strings', when: WINDOWS, fields: ['event.code'], fieldPrefixes: ['winlog.event_data.'] },
  ],
};
