import { tablesByEventId } from './kusto-schemas.ts';
import type { LogSourceCondition, PrefixReplacement, ProcessingItem } from './processing-pipeline.ts';

/**
 * What the Kusto pipelines (microsoft_xdr, sentinel_asim) are made of, as data; `kustoTableItems` turns
 * it into processing items in pySigma-backend-kusto's order: the table (by category, else by the EventID
 * of a `sel*` selection), EventID dropped, per-table then generic field names, value rewrites, and a
 * refusal of any field that is neither a column of the table nor mapped.
 */
export interface KustoPipelineData {
  /** Item id prefix and the pipeline name in messages. */
  readonly id: string;
  /** "Microsoft Defender XDR": the product in messages. */
  readonly product: string;
  readonly tablesByCategory: Readonly<Record<string, string>>;
  /** Event kind (kusto-schemas.ts EVENT_ID_KINDS) → table. */
  readonly tablesByEventKind: Readonly<Record<string, string>>;
  /** Columns of each table a rule can reach. */
  readonly columns: Readonly<Record<string, readonly string[]>>;
  /** Sigma field → column(s), per table; `generic` for fields no table mapping renamed. */
  readonly tableFields: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
  readonly genericFields: Readonly<Record<string, string>>;
  /** Fields the table stands for (EventID …): dropped where they are a conjunct. */
  readonly dropped: readonly string[];
  /** Items between the field mappings and the field check (value rewrites, …). */
  readonly rewrites: readonly ProcessingItem[];
}

export function kustoTableItems(data: KustoPipelineData): ProcessingItem[] {
  const id = data.id;
  const tables = Object.keys(data.columns);
  const tableMappingIds = Object.keys(data.tableFields).map((table) => `${id}_table_fieldmappings_${table}`);
  const categories = Object.keys(data.tablesByCategory);
  return [
    ...Object.entries(data.tablesByCategory).map(
      ([category, table]): ProcessingItem => ({ id: `${id}_set_query_table_${category}`, kind: 'set-state', when: { category }, key: 'query_table', value: table }),
    ),
    {
      id: `${id}_set_query_table_from_event_id`,
      kind: 'table-from-event-ids',
      when: { hasCategory: false },
      key: 'query_table',
      sections: /^sel/i,
      fields: ['EventID', 'EventCode'],
      tables: tablesByEventId(data.tablesByEventKind),
    },
    {
      id: `${id}_unsupported_rule_category_or_missing_query_table`,
      kind: 'fail-rule',
      when: {},
      unlessApplied: [],
      unlessState: 'query_table',
      message:
        `No ${data.product} table for this rule: its log source category is not one of ${categories.join(', ')}, ` +
        `and without a category no EventID of a sel* selection is one of ${Object.keys(tablesByEventId(data.tablesByEventKind)).join(', ')}.`,
    },
    {
      id: `${id}_drop_eventid`,
      kind: 'drop-fields',
      when: {},
      fields: data.dropped,
      message:
        `The ${data.product} table stands for {field}, which has no column: the pipeline drops it where it is one condition among others, ` +
        'but here nothing else would be tested (a rule on {field} alone, or {field} alone in an alternative or under NOT), so the query would select rows the rule does not describe.',
    },
    ...Object.entries(data.tableFields).map(
      ([table, fields]): ProcessingItem => ({ id: `${id}_table_fieldmappings_${table}`, kind: 'map-fields', when: { table }, fields }),
    ),
    { id: `${id}_generic_fieldmappings`, kind: 'map-fields', when: {}, fields: data.genericFields, unlessMappedBy: tableMappingIds },
    ...data.rewrites,
    ...tables.map((table): ProcessingItem => {
      const valid = [...new Set([...data.columns[table]!, ...Object.keys(data.tableFields[table] ?? {}), ...Object.keys(data.genericFields), 'Hashes'])].sort();
      return {
        id: `${id}_unsupported_fields_${table}`,
        kind: 'require-fields',
        when: { table },
        fields: valid,
        message: `Field {field} is neither a column of the ${table} table nor a field the ${id} pipeline maps. Valid fields: ${valid.join(', ')}`,
      };
    }),
  ];
}

/** Sysmon's abbreviated registry hives as the tables write them (the first matching replacement wins). */
export const REGISTRY_HIVES: readonly PrefixReplacement[] = [
  { prefix: 'HKLM\\SYSTEM\\CurrentControlSet', replacement: 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet001' },
  { prefix: 'HKLM', replacement: 'HKEY_LOCAL_MACHINE' },
  { prefix: 'HKU', replacement: 'HKEY_USERS' },
  { prefix: 'HKCR', replacement: 'HKEY_LOCAL_MACHINE\\CLASSES' },
];

/** Sysmon registry EventType → the tables' action type (several: any of them). */
export const REGISTRY_EVENT_TYPES: Readonly<Record<string, string | readonly string[]>> = {
  CreateKey: 'RegistryKeyCreated',
  DeleteKey: ['RegistryKeyDeleted', 'RegistryValueDeleted'],
  SetValue: 'RegistryValueSet',
  RenameKey: ['RegistryValueSet', 'RegistryKeyCreated'],
};

export const NOT_PROCESS_CREATION: LogSourceCondition = { not: { category: 'process_creation' } };

/** The message of a `hashes` item whose values name none of `algorithms`. */
export function hashMessage(algorithms: readonly string[]): string {
  return `No valid hash algo found in Hashes field. Please use one of the following: ${algorithms.join(', ')}`;
}
