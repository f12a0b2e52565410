/** A rule tagged with a tactic and a technique newer than the committed ATT&CK data, for the overlay and bundle tests. */
export const IMPAIRING_RULE = `title: Sysmon driver unloaded
id: 4a5e2b0c-1b7a-4c5e-9f1e-3d2c1b0a9f8e
status: test
tags:
  - attack.defense-impairment
  - attack.t1685.001
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: 'fltmc unload sysmon'
  condition: selection
level: high
`;
