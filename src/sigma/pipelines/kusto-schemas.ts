/**
 * Table schemas and event-ID categories of the Kusto pipelines, as data: the columns of the Microsoft
 * Defender XDR advanced hunting tables and of the Microsoft Sentinel ASIM schemas that a Sigma rule can
 * reach through the pipelines (pySigma-backend-kusto 1.0.1, sigma/pipelines/{microsoftxdr,sentinelasim}/
 * tables.py, generated from Microsoft's schema documentation; column names only). A rule is refused when
 * it tests a field that is neither a column of its table nor a field the pipeline maps.
 */

/** Whitespace-separated names as a list (keeps the long column lists readable). */
function words(text: string): readonly string[] {
  return text.split(/\s+/).filter(Boolean);
}

export const MICROSOFT_XDR_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  DeviceProcessEvents: words(`
    Timestamp DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize
    ProcessVersionInfoCompanyName ProcessVersionInfoProductName ProcessVersionInfoProductVersion
    ProcessVersionInfoInternalFileName ProcessVersionInfoOriginalFileName ProcessVersionInfoFileDescription
    ProcessId ProcessCommandLine ProcessIntegrityLevel ProcessTokenElevation ProcessCreationTime
    AccountDomain AccountName AccountSid AccountUpn AccountObjectId LogonId InitiatingProcessAccountDomain
    InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn
    InitiatingProcessAccountObjectId InitiatingProcessLogonId InitiatingProcessIntegrityLevel
    InitiatingProcessTokenElevation InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5
    InitiatingProcessFileName InitiatingProcessFileSize InitiatingProcessVersionInfoCompanyName
    InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
    InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
    InitiatingProcessVersionInfoFileDescription InitiatingProcessId InitiatingProcessCommandLine
    InitiatingProcessCreationTime InitiatingProcessFolderPath InitiatingProcessParentId
    InitiatingProcessParentFileName InitiatingProcessParentCreationTime InitiatingProcessSignerType
    InitiatingProcessSignatureStatus ReportId AppGuardContainerId AdditionalFields
    InitiatingProcessSessionId IsInitiatingProcessRemoteSession InitiatingProcessRemoteSessionDeviceName
    InitiatingProcessRemoteSessionIP CreatedProcessSessionId IsProcessRemoteSession
    ProcessRemoteSessionDeviceName ProcessRemoteSessionIP
  `),
  DeviceImageLoadEvents: words(`
    Timestamp DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize
    InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid
    InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessIntegrityLevel
    InitiatingProcessTokenElevation InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5
    InitiatingProcessFileName InitiatingProcessFileSize InitiatingProcessVersionInfoCompanyName
    InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
    InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
    InitiatingProcessVersionInfoFileDescription InitiatingProcessId InitiatingProcessCommandLine
    InitiatingProcessCreationTime InitiatingProcessFolderPath InitiatingProcessParentId
    InitiatingProcessParentFileName InitiatingProcessParentCreationTime ReportId AppGuardContainerId
    InitiatingProcessSessionId IsInitiatingProcessRemoteSession InitiatingProcessRemoteSessionDeviceName
    InitiatingProcessRemoteSessionIP
  `),
  DeviceFileEvents: words(`
    Timestamp DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileOriginUrl
    FileOriginReferrerUrl FileOriginIP PreviousFolderPath PreviousFileName FileSize
    InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid
    InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessMD5 InitiatingProcessSHA1
    InitiatingProcessSHA256 InitiatingProcessFolderPath InitiatingProcessFileName InitiatingProcessFileSize
    InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName
    InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName
    InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoFileDescription
    InitiatingProcessId InitiatingProcessCommandLine InitiatingProcessCreationTime
    InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation InitiatingProcessParentId
    InitiatingProcessParentFileName InitiatingProcessParentCreationTime RequestProtocol RequestSourceIP
    RequestSourcePort RequestAccountName RequestAccountDomain RequestAccountSid ShareName SensitivityLabel
    SensitivitySubLabel IsAzureInfoProtectionApplied ReportId AppGuardContainerId AdditionalFields
    InitiatingProcessSessionId IsInitiatingProcessRemoteSession InitiatingProcessRemoteSessionDeviceName
    InitiatingProcessRemoteSessionIP
  `),
  DeviceNetworkEvents: words(`
    Timestamp DeviceId DeviceName ActionType RemoteIP RemotePort RemoteUrl LocalIP LocalPort Protocol
    LocalIPType RemoteIPType InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5
    InitiatingProcessFileName InitiatingProcessFileSize InitiatingProcessVersionInfoCompanyName
    InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
    InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
    InitiatingProcessVersionInfoFileDescription InitiatingProcessId InitiatingProcessCommandLine
    InitiatingProcessCreationTime InitiatingProcessFolderPath InitiatingProcessParentFileName
    InitiatingProcessParentId InitiatingProcessParentCreationTime InitiatingProcessAccountDomain
    InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn
    InitiatingProcessAccountObjectId InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation
    ReportId AppGuardContainerId AdditionalFields InitiatingProcessSessionId
    IsInitiatingProcessRemoteSession InitiatingProcessRemoteSessionDeviceName
    InitiatingProcessRemoteSessionIP
  `),
  DeviceRegistryEvents: words(`
    Timestamp DeviceId DeviceName ActionType RegistryKey RegistryValueType RegistryValueName
    RegistryValueData PreviousRegistryKey PreviousRegistryValueName PreviousRegistryValueData
    InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid
    InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessSHA1
    InitiatingProcessSHA256 InitiatingProcessMD5 InitiatingProcessFileName InitiatingProcessFileSize
    InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName
    InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName
    InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoFileDescription
    InitiatingProcessId InitiatingProcessCommandLine InitiatingProcessCreationTime
    InitiatingProcessFolderPath InitiatingProcessParentId InitiatingProcessParentFileName
    InitiatingProcessParentCreationTime InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation
    ReportId AppGuardContainerId InitiatingProcessSessionId IsInitiatingProcessRemoteSession
    InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP
  `),
  DeviceEvents: words(`
    Timestamp DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize AccountDomain
    AccountName AccountSid RemoteUrl RemoteDeviceName ProcessId ProcessCommandLine ProcessCreationTime
    ProcessTokenElevation LogonId RegistryKey RegistryValueName RegistryValueData RemoteIP RemotePort
    LocalIP LocalPort FileOriginUrl FileOriginIP InitiatingProcessSHA1 InitiatingProcessSHA256
    InitiatingProcessMD5 InitiatingProcessFileName InitiatingProcessFileSize InitiatingProcessFolderPath
    InitiatingProcessId InitiatingProcessCommandLine InitiatingProcessCreationTime
    InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid
    InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessVersionInfoCompanyName
    InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
    InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
    InitiatingProcessVersionInfoFileDescription InitiatingProcessParentId InitiatingProcessParentFileName
    InitiatingProcessParentCreationTime InitiatingProcessLogonId ReportId AppGuardContainerId
    AdditionalFields InitiatingProcessSessionId IsInitiatingProcessRemoteSession
    InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP CreatedProcessSessionId
    IsProcessRemoteSession ProcessRemoteSessionDeviceName ProcessRemoteSessionIP
  `),
  DeviceLogonEvents: words(`
    Timestamp DeviceId DeviceName ActionType LogonType AccountDomain AccountName AccountSid Protocol
    FailureReason IsLocalAdmin LogonId RemoteDeviceName RemoteIP RemoteIPType RemotePort
    InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid
    InitiatingProcessAccountUpn InitiatingProcessAccountObjectId InitiatingProcessIntegrityLevel
    InitiatingProcessTokenElevation InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5
    InitiatingProcessFileName InitiatingProcessFileSize InitiatingProcessVersionInfoCompanyName
    InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion
    InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName
    InitiatingProcessVersionInfoFileDescription InitiatingProcessId InitiatingProcessCommandLine
    InitiatingProcessCreationTime InitiatingProcessFolderPath InitiatingProcessParentId
    InitiatingProcessParentFileName InitiatingProcessParentCreationTime ReportId AppGuardContainerId
    AdditionalFields InitiatingProcessSessionId IsInitiatingProcessRemoteSession
    InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP
  `),
};

export const SENTINEL_ASIM_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  imProcessCreate: words(`
    EventType EventSchemaVersion EventSchema User Process CommandLine Hash ActorUserId ActorUserIdType
    ActorScope ActorUsername ActorUsernameType ActorSessionId ActorUserType ActorOriginalUserType
    ActingProcessCommandLine ActingProcessName ActingProcessFileCompany ActingProcessFileDescription
    ActingProcessFileProduct ActingProcessFileVersion ActingProcessFileInternalName
    ActingProcessFileOriginalName ActingProcessIsHidden ActingProcessInjectedAddress ActingProcessId
    ActingProcessGuid ActingProcessIntegrityLevel ActingProcessMD5 ActingProcessSHA1 ActingProcessSHA256
    ActingProcessSHA512 ActingProcessIMPHASH ActingProcessCreationTime ActingProcessTokenElevation
    ActingProcessFileSize ParentProcessName ParentProcessFileCompany ParentProcessFileDescription
    ParentProcessFileProduct ParentProcessFileVersion ParentProcessIsHidden ParentProcessInjectedAddress
    ParentProcessId ParentProcessGuid ParentProcessIntegrityLevel ParentProcessMD5 ParentProcessSHA1
    ParentProcessSHA256 ParentProcessSHA512 ParentProcessIMPHASH ParentProcessTokenElevation
    ParentProcessCreationTime TargetUsername TargetUsernameType TargetUserId TargetUserIdType
    TargetUserSessionId TargetUserType TargetOriginalUserType TargetProcessName TargetProcessFileCompany
    TargetProcessFileDescription TargetProcessFileProduct TargetProcessFileSize TargetProcessFileVersion
    TargetProcessFileInternalName TargetProcessFileOriginalName TargetProcessIsHidden
    TargetProcessInjectedAddress TargetProcessMD5 TargetProcessSHA1 TargetProcessSHA256 TargetProcessSHA512
    TargetProcessIMPHASH HashType TargetProcessCommandLine TargetProcessCurrentDirectory
    TargetProcessCreationTime TargetProcessId TargetProcessGuid TargetProcessIntegrityLevel
    TargetProcessTokenElevation TargetProcessStatusCode
  `),
  imFileEvent: words(`
    EventType EventSubType EventSchema EventSchemaVersion TargetFileCreationTime TargetFileDirectory
    TargetFileExtension TargetFileMimeType TargetFileName FileName TargetFilePath TargetFilePathType
    FilePath TargetFileMD5 TargetFileSHA1 TargetFileSHA256 TargetFileSHA512 Hash HashType TargetFileSize
    SrcFileCreationTime SrcFileDirectory SrcFileExtension SrcFileMimeType SrcFileName SrcFilePath
    SrcFilePathType SrcFileMD5 SrcFileSHA1 SrcFileSHA256 SrcFileSHA512 SrcFileSize ActorUserId ActorScope
    ActorScopeId ActorUserIdType ActorUsername User ActorUsernameType ActorSessionId ActorUserType
    ActorOriginalUserType ActingProcessCommandLine ActingProcessName Process ActingProcessId
    ActingProcessGuid SrcIpAddr IpAddr Src SrcPortNumber SrcHostname SrcDomain SrcDomainType SrcFQDN
    SrcDescription SrcDvcId SrcDvcScopeId SrcDvcScope SrcDvcIdType SrcDeviceType SrcSubscriptionId
    SrcGeoCountry SrcGeoRegion SrcGeoCity SrcGeoLatitude SrcGeoLongitude HttpUserAgent
    NetworkApplicationProtocol TargetAppName Application TargetAppId TargetAppType TargetUrl Url RuleName
    RuleNumber Rule ThreatId ThreatName ThreatCategory ThreatRiskLevel ThreatOriginalRiskLevel
    ThreatFilePath ThreatField ThreatConfidence ThreatOriginalConfidence ThreatIsActive
    ThreatFirstReportedTime ThreatLastReportedTime
  `),
  imRegistry: words(`
    EventType EventSchemaVersion EventSchema RegistryKey RegistryValue RegistryValueType RegistryValueData
    RegistryPreviousKey RegistryPreviousValue RegistryPreviousValueType RegistryPreviousValueData User
    Process ActorUsername ActorUsernameType ActorUserId ActorScope ActorUserIdType ActorSessionId
    ActingProcessName ActingProcessId ActingProcessGuid ParentProcessName ParentProcessId ParentProcessGuid
  `),
  imNetworkSession: words(`
    EventCount EventType EventSubType EventResult EventResultDetails EventSchema EventSchemaVersion
    DvcAction EventSeverity DvcInterface NetworkApplicationProtocol NetworkProtocol NetworkProtocolVersion
    NetworkDirection NetworkDuration Duration NetworkIcmpType NetworkIcmpCode NetworkConnectionHistory
    DstBytes SrcBytes NetworkBytes DstPackets SrcPackets NetworkPackets NetworkSessionId SessionId
    TcpFlagsAck TcpFlagsFin TcpFlagsSyn TcpFlagsUrg TcpFlagsPsh TcpFlagsRst TcpFlagsEce TcpFlagsCwr
    TcpFlagsNs Dst DstIpAddr DstPortNumber DstHostname DstDomain DstDomainType DstFQDN DstDvcId
    DstDvcScopeId DstDvcScope DstDvcIdType DstDeviceType DstZone DstInterfaceName DstInterfaceGuid
    DstMacAddr DstVlanId OuterVlanId DstSubscriptionId DstGeoCountry DstGeoRegion DstGeoCity DstGeoLatitude
    DstGeoLongitude DstUserId DstUserScope DstUserScopeId DstUserIdType DstUsername User DstUsernameType
    DstUserType DstOriginalUserType DstAppName DstAppId DstAppType DstProcessName Process DstProcessId
    DstProcessGuid Src SrcIpAddr SrcPortNumber SrcHostname SrcDomain SrcDomainType SrcFQDN SrcDvcId
    SrcDvcScopeId SrcDvcScope SrcDvcIdType SrcDeviceType SrcZone SrcInterfaceName SrcInterfaceGuid
    SrcMacAddr SrcVlanId InnerVlanId SrcSubscriptionId SrcGeoCountry SrcGeoRegion SrcGeoCity SrcGeoLatitude
    SrcGeoLongitude SrcUserId SrcUserScope SrcUserScopeId SrcUserIdType SrcUsername SrcUsernameType
    SrcUserType SrcOriginalUserType SrcAppName SrcAppId SrcAppType SrcProcessName SrcProcessId
    SrcProcessGuid Hostname IpAddr DstNatIpAddr DstNatPortNumber SrcNatIpAddr SrcNatPortNumber
    DvcInboundInterface DvcOutboundInterface NetworkRuleName NetworkRuleNumber Rule ThreatId ThreatName
    ThreatCategory ThreatRiskLevel ThreatOriginalRiskLevel ThreatIpAddr ThreatField ThreatConfidence
    ThreatOriginalConfidence ThreatIsActive ThreatFirstReportedTime ThreatLastReportedTime
  `),
  imWebSession: words(`
    EventType EventResult EventResultDetails EventSchema EventSchemaVersion Url UrlCategory UrlOriginal
    HttpVersion HttpRequestMethod HttpStatusCode HttpContentType HttpContentFormat HttpReferrer
    HttpUserAgent UserAgent HttpRequestXff HttpRequestTime HttpResponseTime HttpHost FileName FileMD5
    FileSHA1 FileSHA256 FileSHA512 Hash FileHashType FileSize FileContentType
  `),
  imAuthentication: words(`
    EventType EventResultDetails EventSubType EventSchemaVersion EventSchema LogonMethod LogonProtocol
    ActorUserId ActorScope ActorScopeId ActorUserIdType ActorUsername ActorUsernameType ActorUserType
    ActorOriginalUserType ActorSessionId ActingAppId ActingAppName ActingAppType HttpUserAgent TargetUserId
    TargetUserScope TargetUserScopeId TargetUserIdType TargetUsername TargetUsernameType TargetUserType
    TargetSessionId TargetOriginalUserType User Src SrcDvcId SrcDvcScopeId SrcDvcScope SrcDvcIdType
    SrcDeviceType SrcHostname SrcDomain SrcDomainType SrcFQDN SrcDescription SrcIpAddr SrcPortNumber
    SrcDvcOs IpAddr SrcIsp SrcGeoCountry SrcGeoCity SrcGeoRegion SrcGeoLongitude SrcGeoLatitude
    SrcRiskLevel SrcOriginalRiskLevel TargetAppId TargetAppName TargetAppType TargetUrl LogonTarget Dst
    TargetHostname TargetDomain TargetDomainType TargetFQDN TargetDescription TargetDvcId TargetDvcScopeId
    TargetDvcScope TargetDvcIdType TargetDeviceType TargetIpAddr TargetDvcOs TargetPortNumber
    TargetGeoCountry TargetGeoRegion TargetGeoCity TargetGeoLatitude TargetGeoLongitude TargetRiskLevel
    TargetOriginalRiskLevel RuleName RuleNumber Rule ThreatId ThreatName ThreatCategory ThreatRiskLevel
    ThreatOriginalRiskLevel ThreatConfidence ThreatOriginalConfidence ThreatIsActive
    ThreatFirstReportedTime ThreatLastReportedTime ThreatIpAddr ThreatField
  `),
};

/**
 * Windows event IDs (Sysmon and Security log) by kind of event (pySigma-backend-kusto kusto_common/
 * mappings.py). An ID belongs to the first kind listing it (4656 and 4663 are `registry`); a pipeline maps
 * kinds to its tables, and IDs of kinds it does not map name no table.
 */
export const EVENT_ID_KINDS: readonly (readonly [kind: string, ids: readonly number[]])[] = [
  ['process', [1, 5, 10, 25, 4688, 4689, 4696]],
  ['logon', [4624, 4625, 4634, 4647, 4648, 4778, 4779, 4800, 4801, 4802, 4803]],
  ['registry', [4656, 4657, 4658, 4659, 4660, 4661, 4662, 4663, 12, 13, 14]],
  ['file', [2, 11, 15, 23, 26, 27, 28, 29, 4656, 4658, 4660, 4663]],
  ['network', [3, 22, 5140, 5145, 5156, 5157, 5158, 5159]],
  ['image_load', [7]],
  ['pipe', [17, 18]],
  ['wmi', [19, 20, 21]],
  ['service', [4697, 4698, 4699, 4700, 4701, 4702]],
  ['account', [4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4767]],
];

/** Event ID (as text) → table, for a pipeline's kind → table map. */
export function tablesByEventId(tablesByKind: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const tables: Record<string, string> = {};
  const claimed = new Set<number>();
  for (const [kind, ids] of EVENT_ID_KINDS) {
    for (const id of ids) {
      if (claimed.has(id)) continue;
      claimed.add(id);
      const table = tablesByKind[kind];
      if (table !== undefined) tables[String(id)] = table;
    }
  }
  return tables;
}
