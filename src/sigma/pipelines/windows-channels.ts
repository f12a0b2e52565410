/**
 * Sigma `service:` log sources of `product: windows` and the event-log channels they read: the whole of
 * pySigma 1.5.0's windows_logsource_mapping (sigma/pipelines/common.py), in its order. The one copy of
 * these facts: the pipelines that restrict Windows rules to their channel (ecs_windows `winlog.channel`,
 * splunk_windows `source="WinEventLog:<channel>"`) and the Data Needed matcher (src/link) all read it,
 * so a channel added here reaches the queries and the pages together.
 */
export const WINDOWS_CHANNELS: Readonly<Record<string, string | readonly string[]>> = {
  security: 'Security',
  application: 'Application',
  system: 'System',
  sysmon: 'Microsoft-Windows-Sysmon/Operational',
  powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
  'powershell-classic': 'Windows PowerShell',
  taskscheduler: 'Microsoft-Windows-TaskScheduler/Operational',
  wmi: 'Microsoft-Windows-WMI-Activity/Operational',
  'dns-server': 'DNS Server',
  'dns-server-audit': 'Microsoft-Windows-DNS-Server/Audit',
  'dns-server-analytic': 'Microsoft-Windows-DNS-Server/Analytical',
  'driver-framework': 'Microsoft-Windows-DriverFrameworks-UserMode/Operational',
  ntlm: 'Microsoft-Windows-NTLM/Operational',
  dhcp: 'Microsoft-Windows-DHCP-Server/Operational',
  'msexchange-management': 'MSExchange Management',
  applocker: [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ],
  'printservice-admin': 'Microsoft-Windows-PrintService/Admin',
  'printservice-operational': 'Microsoft-Windows-PrintService/Operational',
  'codeintegrity-operational': 'Microsoft-Windows-CodeIntegrity/Operational',
  'smbclient-security': 'Microsoft-Windows-SmbClient/Security',
  'firewall-as': 'Microsoft-Windows-Windows Firewall With Advanced Security/Firewall',
  'bits-client': 'Microsoft-Windows-Bits-Client/Operational',
  windefend: 'Microsoft-Windows-Windows Defender/Operational',
  'terminalservices-localsessionmanager': 'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
  'microsoft-servicebus-client': 'Microsoft-ServiceBus-Client',
  ldap_debug: 'Microsoft-Windows-LDAP-Client/Debug',
  'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
  'diagnosis-scripted': 'Microsoft-Windows-Diagnosis-Scripted/Operational',
  'shell-core': 'Microsoft-Windows-Shell-Core/Operational',
  openssh: 'OpenSSH/Operational',
  bitlocker: 'Microsoft-Windows-BitLocker/BitLocker Management',
  vhdmp: 'Microsoft-Windows-VHDMP/Operational',
  'appxdeployment-server': 'Microsoft-Windows-AppXDeploymentServer/Operational',
  'lsa-server': 'Microsoft-Windows-LSA/Operational',
  'appxpackaging-om': 'Microsoft-Windows-AppxPackaging/Operational',
  'dns-client': 'Microsoft-Windows-DNS Client Events/Operational',
  'appmodel-runtime': 'Microsoft-Windows-AppModel-Runtime/Admin',
  capi2: 'Microsoft-Windows-CAPI2/Operational',
  'certificateservicesclient-lifecycle-system': 'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
};

/** The channels a `service:` of `product: windows` reads, none for a service the table lacks. */
export function windowsChannelsOf(service: string): readonly string[] {
  const channels = Object.hasOwn(WINDOWS_CHANNELS, service) ? WINDOWS_CHANNELS[service]! : [];
  return typeof channels === 'string' ? [channels] : channels;
}
