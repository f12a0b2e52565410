import type { LogSourceCondition, ProcessingItem, ProcessingPipeline } from './processing-pipeline.ts';
import { WINDOWS_CHANNELS, windowsChannelsOf } from './windows-channels.ts';

/**
 * Splunk pipelines of pySigma-backend-splunk 2.1.0 (sigma/pipelines/splunk/splunk.py), as data.
 *
 * `splunk_windows`: Windows `service:` log sources are restricted to their event log with
 * `source="WinEventLog:<channel>"` (several channels: any of them), and `EventID` is Splunk's `EventCode`.
 */
export const SPLUNK_WINDOWS: ProcessingPipeline = {
  id: 'splunk_windows',
  title: 'Splunk Windows log source conditions (source="WinEventLog:…", EventID as EventCode)',
  items: [
    ...Object.keys(WINDOWS_CHANNELS).map(
      (service): ProcessingItem => ({
        id: `splunk_windows_${service}`,
        kind: 'add-condition',
        when: { product: 'windows', service },
        field: 'source',
        values: windowsChannelsOf(service).map((channel) => `WinEventLog:${channel}`),
      }),
    ),
    { id: 'splunk_windows_field_mapping', kind: 'map-fields', when: {}, fields: { EventID: 'EventCode' } },
  ],
};

/** A CIM data model: the Sigma fields it has (→ data model field), the log sources it serves. */
interface CimDataModel {
  readonly id: string;
  /** `Endpoint.Processes`: data model and data set, as the tstats `from datamodel=` clause names them. */
  readonly dataModel: string;
  /** Words of the refusal message: "… for <label> log source: …". */
  readonly label: string;
  readonly logsources: readonly LogSourceCondition[];
  readonly fields: Readonly<Record<string, string>>;
}

const REGISTRY = ['registry_add', 'registry_delete', 'registry_event', 'registry_set'];

const CIM_DATA_MODELS: readonly CimDataModel[] = [
  {
    id: 'sysmon_process_creation',
    dataModel: 'Endpoint.Processes',
    label: 'process_creation log source',
    logsources: [
      { product: 'windows', category: 'process_creation' },
      { product: 'linux', category: 'process_creation' },
    ],
    fields: {
      CommandLine: 'Processes.process',
      Computer: 'Processes.dest',
      CurrentDirectory: 'Processes.process_current_directory',
      Image: 'Processes.process_path',
      IntegrityLevel: 'Processes.process_integrity_level',
      OriginalFileName: 'Processes.original_file_name',
      ParentCommandLine: 'Processes.parent_process',
      ParentImage: 'Processes.parent_process_path',
      ParentProcessGuid: 'Processes.parent_process_guid',
      ParentProcessId: 'Processes.parent_process_id',
      ProcessGuid: 'Processes.process_guid',
      ProcessId: 'Processes.process_id',
      User: 'Processes.user',
    },
  },
  {
    id: 'sysmon_registry',
    dataModel: 'Endpoint.Registry',
    label: 'registry log source',
    logsources: REGISTRY.map((category) => ({ product: 'windows', category })),
    fields: {
      Computer: 'Registry.dest',
      Details: 'Registry.registry_value_data',
      EventType: 'Registry.action',
      Image: 'Registry.process_path',
      ProcessGuid: 'Registry.process_guid',
      ProcessId: 'Registry.process_id',
      TargetObject: 'Registry.registry_key_name',
    },
  },
  {
    id: 'sysmon_file_event',
    dataModel: 'Endpoint.Filesystem',
    label: 'file_event log source',
    logsources: [{ product: 'windows', category: 'file_event' }],
    fields: {
      Computer: 'Filesystem.dest',
      CreationUtcTime: 'Filesystem.file_create_time',
      Image: 'Filesystem.process_path',
      ProcessGuid: 'Filesystem.process_guid',
      ProcessId: 'Filesystem.process_id',
      TargetFilename: 'Filesystem.file_path',
    },
  },
  {
    id: 'web_proxy',
    dataModel: 'Web.Proxy',
    label: 'web proxy log source',
    logsources: [{ category: 'proxy' }],
    fields: {
      'c-uri': 'Web.url',
      'c-uri-query': 'Web.uri_query',
      'c-uri-stem': 'Web.uri_path',
      'c-useragent': 'Web.http_user_agent',
      'cs-method': 'Web.http_method',
      'cs-host': 'Web.dest',
      'cs-referrer': 'Web.http_referrer',
      src_ip: 'Web.src',
      dst_ip: 'Web.dest_ip',
    },
  },
  {
    id: 'dns',
    dataModel: 'Network_Resolution.DNS',
    label: 'DNS log source',
    logsources: [{ category: 'network', service: 'dns' }],
    fields: {
      'destination.ip': 'DNS.dest',
      'destination.port': 'DNS.dest_port',
      'dns.answers.name': 'DNS.answer',
      'dns.answers.ttl': 'DNS.ttl',
      'dns.answers.type': 'DNS.record_type',
      'dns.id': 'DNS.transaction_id',
      'dns.question.name': 'DNS.query',
      'dns.question.type': 'DNS.query_type',
      'dns.response.code': 'DNS.reply_code_id',
      'source.ip': 'DNS.src',
      'source.port': 'DNS.src_port',
    },
  },
];

/**
 * `splunk_cim`: fields of the Splunk Common Information Model data models (Endpoint.Processes, …). A rule
 * using a field its data model lacks, or whose log source has no data model, is refused. The state
 * items name the data model and its fields for the `data_model` output format (tstats).
 */
export const SPLUNK_CIM: ProcessingPipeline = {
  id: 'splunk_cim',
  title: 'Splunk CIM data model field names (process creation, registry, file events, web proxy, DNS)',
  items: [
    ...CIM_DATA_MODELS.flatMap((model) =>
      model.logsources.flatMap((when): ProcessingItem[] => [
        {
          id: `splunk_dm_mapping_${model.id}_unsupported_fields`,
          kind: 'require-fields',
          when,
          fields: Object.keys(model.fields),
          message: `The Splunk Data Model Sigma backend supports only the following fields for ${model.label}: ${Object.keys(model.fields).join(',')}`,
          refuseKeywords: true,
        },
        { id: `splunk_dm_mapping_${model.id}`, kind: 'map-fields', when, fields: model.fields },
        { id: `splunk_dm_fields_${model.id}`, kind: 'set-state', when, key: 'fields', value: Object.values(model.fields) },
        { id: `splunk_dm_${model.id}_data_model_set`, kind: 'set-state', when, key: 'data_model_set', value: model.dataModel },
      ]),
    ),
    {
      id: 'splunk_dm_mapping_log_source_not_supported',
      kind: 'fail-rule',
      when: {},
      unlessApplied: CIM_DATA_MODELS.map((model) => `splunk_dm_mapping_${model.id}`),
      message: 'Rule type not yet supported by the Splunk data model CIM pipeline!',
    },
  ],
};
