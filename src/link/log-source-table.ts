import { WINDOWS_CHANNELS, windowsChannelsOf } from '../sigma/pipelines/windows-channels.ts';

/**
 * How a Sigma log source maps to the events that Data Needed entries describe. This is data, not code:
 * add a row to support a new log source. Facts come from the Sigma log-source taxonomy (which Sysmon or
 * Windows event each category is built from); the channel of each Windows `service:` comes from the
 * converters' table (src/sigma/pipelines/windows-channels.ts), so pages and queries agree.
 *
 * Each row names the events a rule of that log source can be evaluated on. `eventIds` absent means "the
 * EventID values the rule itself selects, or any event of the channel when it selects none".
 */
export interface LogSourceEvent {
  readonly platform: string;
  readonly channel?: string;
  readonly eventIds?: readonly number[];
}

export interface LogSourceRow {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
  readonly events: readonly LogSourceEvent[];
}

/** The channels the Windows categories are built from, spelled as the services' table spells them. */
function mainChannelOf(service: string): string {
  const [channel] = windowsChannelsOf(service);
  // A channel-less event would match Data Needed entries of every channel: fail loudly instead.
  if (channel === undefined) throw new Error(`the Windows channel table lacks the service "${service}"`);
  return channel;
}
const SYSMON = mainChannelOf('sysmon');
const SECURITY = mainChannelOf('security');
const POWERSHELL = mainChannelOf('powershell');
const POWERSHELL_CLASSIC = mainChannelOf('powershell-classic');

const sysmon = (...eventIds: number[]): LogSourceEvent => ({ platform: 'Windows', channel: SYSMON, eventIds });
const windowsChannel = (channel: string): LogSourceEvent => ({ platform: 'Windows', channel });

/** Windows categories, as the Sigma taxonomy defines them (Sysmon event ids; Security 4688 for process creation). */
const WINDOWS_CATEGORIES: Record<string, readonly LogSourceEvent[]> = {
  process_creation: [{ platform: 'Windows', channel: SECURITY, eventIds: [4688] }, sysmon(1)],
  file_change: [sysmon(2)],
  network_connection: [sysmon(3)],
  sysmon_status: [sysmon(4, 16)],
  process_termination: [sysmon(5)],
  driver_load: [sysmon(6)],
  image_load: [sysmon(7)],
  create_remote_thread: [sysmon(8)],
  raw_access_thread: [sysmon(9)],
  process_access: [sysmon(10)],
  file_event: [sysmon(11)],
  registry_add: [sysmon(12)],
  registry_delete: [sysmon(12)],
  registry_set: [sysmon(13)],
  registry_rename: [sysmon(14)],
  registry_event: [sysmon(12, 13, 14)],
  create_stream_hash: [sysmon(15)],
  pipe_created: [sysmon(17, 18)],
  wmi_event: [sysmon(19, 20, 21)],
  dns_query: [sysmon(22)],
  file_delete: [sysmon(23, 26)],
  clipboard_capture: [sysmon(24)],
  process_tampering: [sysmon(25)],
  file_block_executable: [sysmon(27)],
  file_block_shredding: [sysmon(28)],
  file_executable_detected: [sysmon(29)],
  sysmon_error: [sysmon(255)],
  ps_script: [{ platform: 'Windows', channel: POWERSHELL, eventIds: [4104] }],
  ps_module: [{ platform: 'Windows', channel: POWERSHELL, eventIds: [4103] }],
  ps_classic_start: [{ platform: 'Windows', channel: POWERSHELL_CLASSIC, eventIds: [400] }],
  ps_classic_provider_start: [{ platform: 'Windows', channel: POWERSHELL_CLASSIC, eventIds: [600] }],
  ps_classic_script: [{ platform: 'Windows', channel: POWERSHELL_CLASSIC, eventIds: [800] }],
};

export const LOG_SOURCE_TABLE: readonly LogSourceRow[] = [
  ...Object.entries(WINDOWS_CATEGORIES).map(([category, events]) => ({ product: 'windows', category, events })),
  // Windows services read the channels the converters restrict them to: one table for queries and pages.
  ...Object.keys(WINDOWS_CHANNELS).map((service) => ({ product: 'windows', service, events: windowsChannelsOf(service).map(windowsChannel) })),
  { category: 'antivirus', events: [{ platform: 'antivirus' }] },
  // Linux: auditd and the classic syslog files; process creation is defined on Sysmon for Linux.
  { product: 'linux', service: 'auditd', events: [{ platform: 'Linux', channel: 'auditd' }] },
  { product: 'linux', service: 'auth', events: [{ platform: 'Linux', channel: 'auth.log' }] },
  { product: 'linux', service: 'sshd', events: [{ platform: 'Linux', channel: 'auth.log' }] },
  { product: 'linux', service: 'sudo', events: [{ platform: 'Linux', channel: 'auth.log' }] },
  { product: 'linux', service: 'syslog', events: [{ platform: 'Linux', channel: 'syslog' }, { platform: 'Unix', channel: 'syslog' }] },
  { product: 'linux', service: 'vsftpd', events: [{ platform: 'Linux', channel: 'vsftpd.log' }] },
  { product: 'linux', service: 'clamav', events: [{ platform: 'Linux', channel: 'ClamAV' }] },
  { product: 'linux', service: 'modsecurity', events: [{ platform: 'Linux', channel: 'modsecurity' }] },
  { product: 'linux', category: 'process_creation', events: [{ platform: 'Linux', channel: 'Linux-Sysmon/Operational', eventIds: [1] }] },
  { product: 'linux', category: 'network_connection', events: [{ platform: 'Linux', channel: 'Linux-Sysmon/Operational', eventIds: [3] }] },
  { product: 'linux', category: 'file_event', events: [{ platform: 'Linux', channel: 'Linux-Sysmon/Operational', eventIds: [11] }] },
  // DNS server query logs.
  { category: 'dns', events: [{ platform: 'Linux', channel: 'queries_log' }, { platform: 'Linux', channel: 'passivedns' }] },
  // Cloud audit trails.
  { product: 'aws', service: 'cloudtrail', events: [{ platform: 'AWS', channel: 'CloudTrail' }] },
  { product: 'azure', service: 'signinlogs', events: [{ platform: 'Cloud', channel: 'SigninLogs' }] },
  { product: 'azure', service: 'auditlogs', events: [{ platform: 'Cloud', channel: 'AuditLogs' }] },
  { product: 'azure', service: 'activitylogs', events: [{ platform: 'Cloud', channel: 'AzureActivity' }] },
  { product: 'azure', service: 'riskdetection', events: [{ platform: 'Cloud', channel: 'AADRiskDetection' }] },
  { product: 'm365', service: 'exchange', events: [{ platform: 'Office 365', channel: 'Exchange' }] },
  { product: 'm365', service: 'sharepoint', events: [{ platform: 'Office 365', channel: 'SharePoint' }] },
  { product: 'm365', service: 'teams', events: [{ platform: 'Office 365', channel: 'MicrosoftTeams' }] },
  { product: 'gcp', service: 'gcp.audit', events: [{ platform: 'GCP', channel: 'Cloud Audit Logs' }] },
  // Network and web logs are described by platform; any channel of that platform can serve.
  { category: 'webserver', events: [{ platform: 'Web Server' }] },
  { category: 'proxy', events: [{ platform: 'Proxy' }] },
  { category: 'firewall', events: [{ platform: 'Firewall' }] },
];

const key = (value: string | undefined): string | undefined => value?.trim().toLowerCase() || undefined;

/**
 * The rows that apply to a log source, most specific first: a row applies when each of its keys equals
 * the rule's. A rule's category decides over its service (Sigma defines categories across products).
 */
export function lookUpLogSource(logsource: { product?: string; category?: string; service?: string }): { row: LogSourceRow; description: string } | undefined {
  const product = key(logsource.product);
  const category = key(logsource.category);
  const service = key(logsource.service);
  let best: { row: LogSourceRow; score: number } | undefined;
  for (const row of LOG_SOURCE_TABLE) {
    if (row.product && row.product !== product) continue;
    if (row.category && row.category !== category) continue;
    if (row.service && row.service !== service) continue;
    if (!row.category && !row.service) continue;
    const score = (row.category ? 4 : 0) + (row.service ? 2 : 0) + (row.product ? 1 : 0);
    if (!best || score > best.score) best = { row, score };
  }
  if (!best) return undefined;
  const { row } = best;
  const description = [row.product && `product: ${row.product}`, row.category && `category: ${row.category}`, row.service && `service: ${row.service}`]
    .filter(Boolean)
    .join(', ');
  return { row, description };
}
